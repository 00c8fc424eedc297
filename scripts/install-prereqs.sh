#!/usr/bin/env bash
# Installs what the real local stack needs (filled in by the foundation work).
exit 0
