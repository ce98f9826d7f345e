import ArgumentParser
import Foundation
import Recur

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Loss, accuracy and a per-class classification report for a trained run.",
        discussion: """
        Evaluates on the dataset's test split (IMDB) or, for files without one, on all of it.

        Examples:
          recur evaluate runs/lstm-imdb
          recur evaluate runs/lstm-imdb --checkpoint last --data other-reviews.csv
        """)

    @Argument(help: "The folder `recur train` wrote.") var runFolder: String
    @Option(help: "best or last.") var checkpoint: String = "best"
    @Option(help: "A dataset to evaluate on instead of the run's own.") var data: String?
    @Option(help: "auto, cpu, an index, opencl:N, or part of a device name.") var device: String = "auto"

    func run() throws {
        try CommandFailure.oneLine {
            let selection = try openDevice(device)
            let saved = try SavedRun(runFolder, checkpoint: checkpoint, backend: selection.backend)
            let s = saved.settings
            let dataset = try TrainingData.load(data ?? s.dataPath, textColumn: s.textColumn, labelColumn: s.labelColumn, classes: s.classes)
            let texts = dataset.test ?? dataset.train
            let sequences = LabeledSequences(tokenIDs: saved.tokenIDs(texts.map(\.text)), labels: texts.map { Float($0.label) }, time: s.maxlen)
            let result = try saved.trainer.evaluate(sequences, keepingPredictions: true)
            let predicted = saved.decisions(result.predictions).map(\.label)
            print(String(format: "%d examples - loss: %.4f - accuracy: %.4f\n", texts.count, result.loss, result.accuracy))
            print(ClassificationReport(predicted: predicted, actual: texts.map(\.label), classNames: s.classes).text)
        }
    }
}
