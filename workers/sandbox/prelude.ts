/**
 * The Python side of the sandbox, run once after Pyodide loads. `_luxos_run` runs one being's code:
 * it builds a fresh namespace with a read-only `self`, `execution` and `summon`, calls the entry
 * point (`function`, or `main`; it may be async) with the being's attributes merged with the call's
 * kwargs, and answers JSON.
 */
export const PRELUDE = String.raw`
import inspect as _inspect, json as _json, sys as _sys, time as _time, traceback as _traceback, types as _types
from _luxos_host import request as _request

class ExecutionError(Exception):
    """A call to another being failed: it does not exist, is not Python, or the call would loop or nest too deep."""

def _freeze(value):
    if isinstance(value, dict):
        return _types.MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value

class _Self:
    """The being's own attributes, read-only: self.name, self.soul, self.<attribute>."""
    __slots__ = ("_values",)
    def __init__(self, values):
        object.__setattr__(self, "_values", _freeze(values))
    def __getattr__(self, key):
        try:
            return object.__getattribute__(self, "_values")[key]
        except KeyError:
            raise AttributeError(f"this being has no attribute {key!r}") from None
    def __getitem__(self, key):
        return object.__getattribute__(self, "_values")[key]
    def __contains__(self, key):
        return key in object.__getattribute__(self, "_values")
    def get(self, key, default=None):
        return object.__getattribute__(self, "_values").get(key, default)
    def keys(self):
        return object.__getattribute__(self, "_values").keys()
    def __setattr__(self, key, value):
        raise AttributeError("self is read-only: return the new value instead")
    __delattr__ = __setattr__
    def __setitem__(self, key, value):
        raise TypeError("self is read-only: return the new value instead")
    def __repr__(self):
        return f"<self {dict(object.__getattribute__(self, '_values'))!r}>"

_stack = []
_calls = []
_limits = {"depth": 16}

def _jsonable(value, what):
    try:
        return _json.loads(_json.dumps(value))
    except (TypeError, ValueError) as e:
        raise ExecutionError(f"{what} must be JSON (numbers, text, lists, dicts): {e}") from None

def _ask(op, **payload):
    answer = _json.loads(_request(op, _json.dumps(payload)))
    if not answer.get("ok"):
        raise ExecutionError(answer.get("error", "the owner refused"))
    return answer

def _make_execution(caps, me):
    def execution(soul, **kwargs):
        """Calls another function being by its soul and answers what it returns."""
        if "execution" not in caps:
            raise PermissionError("this being may not call other beings (it lacks the 'execution' capability)")
        if soul in _stack:
            raise ExecutionError("cycle: " + " → ".join(_stack + [soul]) + " — a being may not call itself, directly or through others")
        if len(_stack) >= _limits["depth"]:
            raise ExecutionError(f"execution nests deeper than {_limits['depth']} calls: flatten the chain")
        kwargs = _jsonable(kwargs, "execution's keyword arguments")
        being = _ask("resolve", soul=str(soul), caller=me)["being"]
        # NOTE: a callee never gets more than its caller has.
        allowed = [c for c in being["capabilities"] if c in caps]
        return _call(being, kwargs, allowed)
    return execution

def _make_summon(caps, me):
    def summon(spec=None, **fields):
        """Creates a new being ({'name', 'source', 'attributes', 'capabilities'}); answers its soul."""
        if "summon" not in caps:
            raise PermissionError("this being may not summon others (it lacks the 'summon' capability)")
        spec = _jsonable({**(spec or {}), **fields}, "summon's spec")
        wanted = spec.get("capabilities", list(caps))
        spec["capabilities"] = [c for c in wanted if c in caps]
        return _ask("summon", caller=me, spec=spec)["soul"]
    return summon

def _call(being, kwargs, caps):
    started = _time.perf_counter()
    soul = being["soul"]
    attributes = dict(being["attributes"])
    namespace = {
        "__name__": "being",
        "__builtins__": __builtins__,
        "self": _Self({**attributes, "soul": soul, "name": being["name"], "version": being["version"]}),
        "execution": _make_execution(caps, soul),
        "summon": _make_summon(caps, soul),
        "ExecutionError": ExecutionError,
    }
    _stack.append(soul)
    try:
        exec(compile(being["source"], f"<{being['name']}>", "exec"), namespace)
        entry = namespace.get("function") or namespace.get("main")
        if not callable(entry):
            raise ExecutionError(f"{being['name']} defines no entry point: write def function(**kwargs): ... and return a value")
        args = {**attributes, **kwargs}
        params = _inspect.signature(entry).parameters
        if not any(p.kind == p.VAR_KEYWORD for p in params.values()):
            args = {k: v for k, v in args.items() if k in params}
        value = entry(**args)
        if _inspect.isawaitable(value) and len(_stack) > 1:
            value.close()
            raise ExecutionError(f"{being['name']} is async: only the being you run may be async, not the ones it calls")
        return value
    finally:
        _stack.pop()
        _calls.append({"soul": soul, "depth": len(_stack), "ms": (_time.perf_counter() - started) * 1000})

async def _luxos_run(message_json):
    message = _json.loads(message_json)
    _stack.clear()
    _calls.clear()
    _limits["depth"] = message["maxDepth"]
    being = message["being"]
    try:
        value = _call(being, message["kwargs"], list(being["capabilities"]))
        if _inspect.isawaitable(value):
            value = await value
        try:
            out = _json.dumps({"ok": True, "value": value})
        except (TypeError, ValueError):
            out = _json.dumps({"ok": True, "value": repr(value)})
    except BaseException as e:  # noqa: the owner reports every failure, KeyboardInterrupt included
        tb = _traceback.format_exception(type(e), e, e.__traceback__)
        kept = [line for line in tb if "<exec>" not in line]
        out = _json.dumps({"ok": False, "error": {"type": type(e).__name__, "message": str(e)[:10000], "traceback": "".join(kept)[-20000:]}})
    return _json.dumps({"result": _json.loads(out), "calls": _calls[-10000:]})
`;
