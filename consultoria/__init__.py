"""The domain core of the Assistente de Consultoria: tariff engine, pt-BR parsers, database,
services, settings and the `consultoria` command. Imports neither rasa_sdk nor telegram."""
