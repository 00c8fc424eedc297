-- payments database: subscriptions (public) and expenses (finance). Created by the demo data loader.
CREATE SCHEMA IF NOT EXISTS finance;

CREATE TABLE IF NOT EXISTS public.subscriptions (
  id          bigint PRIMARY KEY,
  account_id  bigint NOT NULL,
  plan_type   text,
  region      text,
  status      text NOT NULL,
  amount      numeric(12,2) NOT NULL,
  currency    text NOT NULL,
  started_at  timestamptz NOT NULL,
  canceled_at timestamptz
);
CREATE INDEX IF NOT EXISTS subscriptions_started_at ON public.subscriptions (started_at);
CREATE INDEX IF NOT EXISTS subscriptions_account_id ON public.subscriptions (account_id);

CREATE TABLE IF NOT EXISTS finance.expenses (
  id        bigint PRIMARY KEY,
  category  text NOT NULL,
  channel   text,
  campaign  text,
  amount    numeric(12,2) NOT NULL,
  spent_at  timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS expenses_spent_at ON finance.expenses (spent_at);
