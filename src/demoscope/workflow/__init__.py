"""The assessment workflow's rules, pure (no I/O): who may do what (:mod:`.roles`), the
states of an edition and what each allows (:mod:`.states`), and the rules that must hold
before an edition is published (:mod:`.rules`). The services apply them; the web and CLI
faces never decide."""
