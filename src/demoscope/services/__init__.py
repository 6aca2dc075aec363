"""Write use cases: every change to the store goes through one function here.

The pattern each service follows (and the workflow's services will follow):

1. **validate once**, against the methodology, before anything is opened;
2. open :func:`~demoscope.store.writes.write_transaction`, which **takes the write lock**
   and **bumps the data version**;
3. read what the rule needs through :mod:`demoscope.store.reads` on ``tx.read`` (current,
   because the lock is held), apply the rule (raise a :class:`~demoscope.errors.DemoscopeError`
   to refuse: nothing is written);
4. **write through** :mod:`demoscope.store.writes` with plain values.

Modules: :mod:`~demoscope.services.setup` (create/migrate a database and load the built-in
dataset), :mod:`~demoscope.services.rating` (record one rating),
:mod:`~demoscope.services.importing` (import a read report's edition).
"""
