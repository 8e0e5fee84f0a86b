-- Two databases on one server: the project's (shifts, acceptances, outbox) and Rasa's tracker store.
CREATE DATABASE rasa;
