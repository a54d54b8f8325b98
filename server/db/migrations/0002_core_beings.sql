-- RFC 7386 JSON Merge Patch, applied inside the UPDATE so a patch is atomic.
CREATE FUNCTION luxos_merge_patch(target jsonb, patch jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    result jsonb;
    k text;
    v jsonb;
BEGIN
    IF patch IS NULL OR jsonb_typeof(patch) <> 'object' THEN
        RETURN patch;
    END IF;
    IF target IS NULL OR jsonb_typeof(target) <> 'object' THEN
        result := '{}'::jsonb;
    ELSE
        result := target;
    END IF;
    FOR k, v IN SELECT * FROM jsonb_each(patch) LOOP
        IF jsonb_typeof(v) = 'null' THEN
            result := result - k;
        ELSE
            result := jsonb_set(result, ARRAY[k], luxos_merge_patch(result -> k, v), true);
        END IF;
    END LOOP;
    RETURN result;
END;
$$;

-- The core beings of seed 001 have fixed souls and never evolve.
INSERT INTO base_beings (soul, tags, energy_level, genesis, attributes, memories, self_awareness)
VALUES
    ('00000000-0000-4000-8000-000000000001', '{core}', 100, '{"name":"BaseBeing","type":"class","core":true,"ancestors":[],"versions":[],"meta":{"about":"The root of every being."}}', '{}', '{}', '{}'),
    ('00000000-0000-4000-8000-000000000002', '{core}', 100, '{"name":"ClassBeing","type":"class","core":true,"ancestors":["00000000-0000-4000-8000-000000000001"],"versions":[],"meta":{"about":"A being that describes a kind of beings."}}', '{}', '{}', '{}'),
    ('00000000-0000-4000-8000-000000000003', '{core}', 100, '{"name":"FunctionBeing","type":"function","core":true,"ancestors":["00000000-0000-4000-8000-000000000001"],"versions":[],"meta":{"about":"A being that can be called."}}', '{}', '{}', '{}'),
    ('00000000-0000-4000-8000-000000000004', '{core}', 100, '{"name":"Kernel","type":"kernel","core":true,"ancestors":["00000000-0000-4000-8000-000000000001"],"versions":[],"meta":{"about":"Runs beings through its I/O and CPU queues."}}', '{}', '{}', '{}'),
    ('00000000-0000-4000-8000-000000000005', '{core}', 100, '{"name":"Factory","type":"class","core":true,"ancestors":["00000000-0000-4000-8000-000000000001"],"versions":[],"meta":{"about":"Creates new beings."}}', '{}', '{}', '{}')
ON CONFLICT (soul) DO NOTHING;

CREATE FUNCTION luxos_guard_core_beings() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'core being % (%) never changes', OLD.soul, OLD.genesis ->> 'name'
        USING ERRCODE = 'LX001',
              HINT = 'Create a new being whose genesis names it as an ancestor instead.';
END;
$$;

CREATE TRIGGER trg_base_beings_core_guard
    BEFORE UPDATE OR DELETE ON base_beings
    FOR EACH ROW
    WHEN (OLD.soul IN (
        '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002',
        '00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000004',
        '00000000-0000-4000-8000-000000000005'))
    EXECUTE FUNCTION luxos_guard_core_beings();
