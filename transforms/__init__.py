"""Pure transforms: text in, Arrow tables out. No orchestration imports here."""
