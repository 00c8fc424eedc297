-- docker-compose: the two source databases and payments' finance schema (the tables come from the
-- demo data loader, `docker compose --profile demo run --rm demo-data`).
CREATE DATABASE payments;
CREATE DATABASE users;
\connect payments
CREATE SCHEMA IF NOT EXISTS finance;
