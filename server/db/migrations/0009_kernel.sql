-- The kernel's two queues are beings (seed 001: "Kernel operates two queues, I/O-bound and CPU-bound,
-- both represented in the system as beings"). Like the other core beings their souls are fixed and
-- they never change; each tab's kernel shows their live depth (app/_kernel).
INSERT INTO base_beings (soul, tags, energy_level, genesis, attributes, memories, self_awareness)
VALUES
    ('00000000-0000-4000-8000-000000000006', '{core,kernel,queue}', 100, '{"name":"IOQueue","type":"kernel","core":true,"ancestors":["00000000-0000-4000-8000-000000000001","00000000-0000-4000-8000-000000000004"],"versions":[],"meta":{"about":"The kernel''s I/O queue: master calls and being-to-being messages, a few at a time, fair between beings."}}', '{"queue":"io"}', '{}', '{}'),
    ('00000000-0000-4000-8000-000000000007', '{core,kernel,queue}', 100, '{"name":"CPUQueue","type":"kernel","core":true,"ancestors":["00000000-0000-4000-8000-000000000001","00000000-0000-4000-8000-000000000004"],"versions":[],"meta":{"about":"The kernel''s CPU queue: Python runs on a small pool of sandbox workers, fair between beings."}}', '{"queue":"cpu"}', '{}', '{}')
ON CONFLICT (soul) DO NOTHING;

DROP TRIGGER trg_base_beings_core_guard ON base_beings;
CREATE TRIGGER trg_base_beings_core_guard
    BEFORE UPDATE OR DELETE ON base_beings
    FOR EACH ROW
    WHEN (OLD.soul IN (
        '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002',
        '00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000004',
        '00000000-0000-4000-8000-000000000005', '00000000-0000-4000-8000-000000000006',
        '00000000-0000-4000-8000-000000000007'))
    EXECUTE FUNCTION luxos_guard_core_beings();

-- NOTE: 0007's new column rewrote base_beings, which set its row estimate; count the two new core beings in it.
ANALYZE base_beings;
