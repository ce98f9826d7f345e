// Recur: layers, models, losses, optimizers, metrics, the trainer, checkpoints and data, built on
// the compute core. Re-exported so `import Recur` is all a user needs.
@_exported import RecurCompute
