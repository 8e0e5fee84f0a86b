"""A fake Telegram Bot API server for the bot tests."""
