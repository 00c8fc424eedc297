-- users database: accounts. Created by the demo data loader.
CREATE TABLE IF NOT EXISTS public.accounts (
  id         bigint PRIMARY KEY,
  email      text NOT NULL,
  created_at timestamptz NOT NULL,
  region     text,
  channel    text,
  campaign   text,
  plan_type  text,
  country    text
);
CREATE INDEX IF NOT EXISTS accounts_created_at ON public.accounts (created_at);
