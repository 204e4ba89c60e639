-- Schema version 2: several plans of one year, one per area (a plan file's `plan.area`).
--
-- A plan is known by its area and its year, and a task by its plan and its id, so two
-- subdistricts' 2024 plans can both have a task 1.1. A plan, task or event without an area
-- keeps the identity it had (the area is '' there), so a version 1 database keeps its data as
-- it is.

ALTER TABLE lianta.plans
    ADD COLUMN area text GENERATED ALWAYS AS (coalesce(doc ->> 'area', '')) STORED;
ALTER TABLE lianta.plans DROP CONSTRAINT plans_year_key;
ALTER TABLE lianta.plans ADD CONSTRAINT plans_area_year_key UNIQUE (area, year);

ALTER TABLE lianta.tasks
    ADD COLUMN area text GENERATED ALWAYS AS (coalesce(doc ->> 'area', '')) STORED;
ALTER TABLE lianta.tasks DROP CONSTRAINT tasks_plan_task_key;
ALTER TABLE lianta.tasks ADD CONSTRAINT tasks_area_plan_task_key UNIQUE (area, plan, task);

-- An event is on the task of its own plan: the area is part of the match.
DROP POLICY events_by_their_author ON lianta.history;
CREATE POLICY events_by_their_author ON lianta.history FOR INSERT WITH CHECK (
    doc ->> 'by' = lianta.author()
    AND (
        lianta.role_kind() = 'office'
        OR lianta.unit_may_change((
            SELECT t.doc FROM lianta.tasks t
            WHERE t.area = coalesce(history.doc ->> 'area', '')
              AND t.plan = (history.doc ->> 'plan')::integer
              AND t.task = history.doc ->> 'task'
        ))
    )
);
