import ArgumentParser
import Foundation
import Recur

struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Classify raw texts with a trained run (its saved tokenizer and checkpoint).",
        discussion: """
        Examples:
          recur predict runs/lstm-imdb "A wonderful film, I loved every minute." "Dull and far too long."
          recur predict runs/lstm-imdb --file reviews.txt      (one text per line)
        """)

    @Argument(help: "The folder `recur train` wrote.") var runFolder: String
    @Argument(help: "Texts to classify.") var texts: [String] = []
    @Option(help: "A file with one text per line.") var file: String?
    @Option(help: "best or last.") var checkpoint: String = "best"
    @Option(help: "auto, cpu, an index, opencl:N, or part of a device name.") var device: String = "cpu"

    func run() throws {
        try CommandFailure.oneLine {
            var inputs = texts
            if let file {
                guard let contents = try? String(contentsOfFile: file, encoding: .utf8) else { throw CommandFailure("cannot read \(file) as UTF-8 text") }
                inputs += contents.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
            }
            guard !inputs.isEmpty else { throw CommandFailure("nothing to predict: give texts as arguments or --file") }
            let backend = try BackendSelector().select(DeviceRequest(parsing: device)).backend
            let saved = try SavedRun(runFolder, checkpoint: checkpoint, backend: backend)
            let outputs = try saved.trainer.predict(tokenIDs: saved.tokenIDs(inputs), time: saved.settings.maxlen)
            for (text, decision) in zip(inputs, saved.decisions(outputs)) {
                let name = decision.label < saved.settings.classes.count ? saved.settings.classes[decision.label] : "\(decision.label)"
                let probability = saved.trainer.model.outputShape.features == 1 && decision.label == 0 ? 1 - decision.probability : decision.probability
                print(String(format: "%@ (%.3f)  %@", name, probability, text))
            }
        }
    }
}
