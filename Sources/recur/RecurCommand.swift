import ArgumentParser
import Foundation
import Logging

@main
struct RecurCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recur",
        abstract: "Train and run recurrent text models (SimpleRNN, LSTM, GRU) on OpenCL GPUs, with a CPU backend that gives the same answers.",
        discussion: """
        Examples:
          recur demo                    train an LSTM where word order decides the label (about a minute)
          recur devices                 list the OpenCL devices and the CPU backend
          recur verify                  check every kernel on every device against the CPU reference
          recur summary lstm-imdb       print a model summary with Keras's parameter counts
          recur train --preset lstm-imdb --data ../shared/data/imdb/aclImdb_v1.tar.gz

        Diagnostics (kernel compiles, checkpoint writes, early stopping) go to standard error through
        swift-log; set RECUR_LOG_LEVEL to trace, debug, info, notice (the default), warning or error.
        """,
        subcommands: [DevicesCommand.self, VerifyCommand.self, SummaryCommand.self, DemoCommand.self, TrainCommand.self, TuneCommand.self,
                      EvaluateCommand.self, PredictCommand.self, BenchCommand.self])

    static func main() {
        let level = ProcessInfo.processInfo.environment["RECUR_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .notice
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        main(nil)
    }
}
