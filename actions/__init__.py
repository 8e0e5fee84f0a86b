"""Custom actions, tariff engine and database of the Assistente de Consultoria."""
