"""Force torch's thread count for a portability run (tools/portability.sh puts this folder first on PYTHONPATH).

With `MEDLIN_TEST_THREADS=N` set, every `torch.set_num_threads(k)` in every Python process of the run (the notebooks,
and the commands they start) sets N threads instead, and torch starts with N: the notebooks call `set_threads(1)` or
`torch.set_num_threads(1)` in their first cells, which would otherwise pin them to one thread. torch is patched when
it is first imported (an import hook), so a process that never imports torch is untouched. Without the variable this
file does nothing. It shadows any other `sitecustomize` module, so it runs that one too if there is one.
"""
import os, sys

def _force_threads(n):
    import importlib.abc, importlib.util

    class _TorchHook(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name != 'torch': return None
            sys.meta_path.remove(self)  # once: the rest of the import goes the usual way
            spec = importlib.util.find_spec('torch')
            if spec is None or spec.loader is None: return spec
            exec_module = spec.loader.exec_module
            def patched(module):
                exec_module(module)
                real = module.set_num_threads
                def set_num_threads(k, _real=real):
                    "Set `MEDLIN_TEST_THREADS` threads, whatever `k` is (a portability run)"
                    _real(n)
                set_num_threads.__wrapped__ = real
                module.set_num_threads = set_num_threads
                real(n)
            spec.loader.exec_module = patched
            return spec

    sys.meta_path.insert(0, _TorchHook())

_n = os.environ.get('MEDLIN_TEST_THREADS')
if _n:
    _force_threads(int(_n))

# run the sitecustomize this one shadows, if any
_here = os.path.dirname(os.path.abspath(__file__))
for _p in sys.path:
    if _p and os.path.abspath(_p) != _here and os.path.isfile(os.path.join(_p, 'sitecustomize.py')):
        import importlib.util as _u
        _s = _u.spec_from_file_location('_shadowed_sitecustomize', os.path.join(_p, 'sitecustomize.py'))
        _s.loader.exec_module(_u.module_from_spec(_s))
        break
