"""medlin: the simplest neural network, a linear layer and a softmax trained by SGD, done right on Medical MNIST.

medlin is a short series of posts and the small library built from them. Read the posts, in order, at
https://medlin-dev.github.io/medlin/ (source: https://github.com/medlin-dev/medlin).

- `medlin.data`: load a folder-per-class image dataset (Medical MNIST by default) and split it into training,
  validation and test sets (`medlin.dataset`: downloading, verifying, decoding and caching it)
- `medlin.model`: the linear layer, softmax and cross-entropy, by hand
- `medlin.sgd`: stochastic gradient descent with momentum and weight decay
- `medlin.train`: the training loop, `fit` (`medlin.loop`: its input checks, batches, devices and progress table)
- `medlin.modelfile`: saving and loading models safely, and prediction

Commands: `medlin-data`, `medlin-train`, `medlin-predict`; `python -m medlin` lists them, and each explains itself
with `--help`. A first script:

    from medlin.data import load_split
    from medlin.train import fit, predict
"""
__version__ = "0.0.1"
