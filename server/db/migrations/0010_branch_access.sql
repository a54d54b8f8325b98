-- Who may change a task's Tiki budget (issue 8): the person who set it first. Task ids are free-form
-- names anyone may choose, so without an owner anyone could raise or cut another person's budget.
-- NULL: set by the master itself, in-process, or before owners were recorded: the server's owner's.
-- A person who is removed leaves their budgets to the server's owner.
ALTER TABLE tiki_budgets ADD COLUMN owner UUID REFERENCES people (soul) ON DELETE SET NULL;
