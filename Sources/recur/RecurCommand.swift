import ArgumentParser

@main
struct RecurCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recur",
        abstract: "Train and run recurrent text models (SimpleRNN, LSTM, GRU) on OpenCL GPUs, with a CPU backend that gives the same answers.",
        discussion: """
        Examples:
          recur devices                 list the OpenCL devices and the CPU backend
          recur verify                  check every kernel on every device against the CPU reference
          recur summary lstm-imdb       print a model summary with Keras's parameter counts
        """,
        subcommands: [DevicesCommand.self, VerifyCommand.self, SummaryCommand.self, TrainCommand.self, EvaluateCommand.self, PredictCommand.self, BenchCommand.self])
}
