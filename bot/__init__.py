"""Telegram front end (python-telegram-bot): bridges chats to the Rasa REST channel."""
