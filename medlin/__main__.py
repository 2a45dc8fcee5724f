"`python -m medlin`: list medlin's commands, one line each (fast: imports nothing heavy)"
import os, sys
from importlib.metadata import entry_points

COMMANDS = {  # what each command does, in the order a newcomer uses them
    'medlin-data': 'get, check and cache the images; --show-cache, --clear-cache',
    'medlin-train': 'train the model and save it (default: medlin-model.pt)',
    'medlin-predict': 'classify image files: medlin-predict MODEL IMAGE...',
}

def main():
    eps = entry_points(group='console_scripts')
    found = sorted(e.name for e in eps if e.value.startswith('medlin.'))
    names = [n for n in COMMANDS if n in found or not found]
    names += [n for n in found if n not in COMMANDS]
    w = max(map(len, names))
    print('medlin: a linear layer and a softmax, trained by SGD on Medical MNIST\n'
          'or on your own folders of images.\n\nCommands (each explains its options with --help):')
    for n in names: print(f'  {n:{w}}  {COMMANDS.get(n, "")}'.rstrip())
    print('\nDocs: https://medlin-dev.github.io/medlin/ (or help(medlin) in Python)')
    return 0

if __name__ == '__main__':
    try: sys.exit(main())
    except BrokenPipeError:  # `python -m medlin | head`: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno()); sys.exit(1)
