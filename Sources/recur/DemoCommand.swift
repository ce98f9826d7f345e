import ArgumentParser
import Foundation
import Recur

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Train an LSTM where word order decides the label, and show it beats an order-blind baseline.",
        discussion: """
        With no --data, generates a review corpus in which every review has a twin with the same words and \
        the opposite label (negation and which clause comes last decide), so a bag-of-words model is at \
        chance. Trains an LSTM on it with the progress line, reports test accuracy against that baseline, \
        writes checkpoint, history and plot, checks that the checkpoint reloads to the same predictions, \
        and classifies two example sentences. With --data it does the same on IMDB (the lstm-imdb preset).

        Examples:
          recur demo
          recur demo --device cpu --epochs 5
          recur demo --data ../shared/data/imdb/aclImdb_v1.tar.gz --epochs 3
        """)

    @Option(help: "The IMDB archive or folder to train on instead of the generated corpus.") var data: String?
    @Option(help: "Folder for the corpus, checkpoints, history and plot.") var output: String = "runs/demo"
    @Option(help: "auto, cpu, an index, opencl:N, or part of a device name.") var device: String = "auto"
    @Option(help: "Epochs (default: 6 on the generated corpus, 3 on IMDB).") var epochs: Int?
    @Option(help: "Twin pairs of generated training reviews (a quarter as many for the test set).") var pairs: Int = 3000
    @Option(help: "Seed for the corpus, weights, shuffling and dropout.") var seed: UInt64 = 1

    func validate() throws {
        if let epochs, epochs <= 0 { throw ValidationError("--epochs must be positive, got \(epochs)") }
        if pairs < 40 { throw ValidationError("--pairs must be at least 40, got \(pairs)") }
    }

    func run() throws {
        try CommandFailure.oneLine(demo)
    }

    func demo() throws {
        let started = Date()
        let selection = try openDevice(device)
        let folder = URL(fileURLWithPath: output)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let job = try data.map { try DemoJob.imdb(at: $0, epochs: epochs ?? 3, seed: seed) }
            ?? DemoJob.generated(pairs: pairs, epochs: epochs ?? 6, seed: seed, in: folder)
        job.describe()

        let run = TrainingRun(settings: job.settings, configuration: job.configuration, folder: folder, resuming: false)
        let outcome = try run.execute(backend: selection.backend, started: started)
        if outcome.interrupted { return }
        guard let test = outcome.test ?? job.testTexts.map({ LabeledSequences($0, tokenizer: outcome.tokenizer, maxlen: job.settings.maxlen) }) else {
            throw CommandFailure("the dataset has no test split to report on")
        }

        var baseline = BagOfWordsBaseline(vocabulary: job.settings.vocabulary)
        baseline.fit(rows(of: outcome.training), labels: outcome.training.labels.map { Int($0) }, seed: seed)
        let baselineAccuracy = baseline.accuracy(rows(of: test), labels: test.labels.map { Int($0) })
        let best = try SavedRun(folder.path, checkpoint: "best", backend: selection.backend)
        let accuracy = try best.trainer.evaluate(test).accuracy
        print(String(format: "\ntest accuracy on %d unseen reviews: LSTM %.4f (best.safetensors) · order-blind baseline %.4f (%@)",
                     test.count, accuracy, baselineAccuracy, "bag-of-words logistic regression"))

        let last = try SavedRun(folder.path, checkpoint: "last", backend: selection.backend)
        let trained = try outcome.trainer.predict(tokenIDs: test.tokenIDs, time: test.time)
        let reloaded = try last.trainer.predict(tokenIDs: test.tokenIDs, time: test.time)
        let difference = zip(trained, reloaded).map { abs($0 - $1) }.max() ?? 0
        guard difference == 0 else {
            throw CommandFailure("last.safetensors reloads to different predictions (max difference \(difference)); the checkpoint is not faithful")
        }
        print("checkpoint: last.safetensors reloaded predicts the trained model's \(test.count) probabilities exactly (max difference \(difference))")

        print("\npredictions (best.safetensors):")
        let probabilities = try best.trainer.predict(tokenIDs: best.tokenIDs(job.examples.map(\.text)), time: job.settings.maxlen)
        for (example, positive) in zip(job.examples, probabilities) {
            let name = job.settings.classes[positive > 0.5 ? 1 : 0]
            print(String(format: "  %@ (P(positive) %.3f; the rule says %@)  \"%@\"", name, positive, job.settings.classes[example.label], example.text))
        }
        print("\ntry: recur predict \(folder.path) \"your own sentence\"   ·   recur evaluate \(folder.path)")
        guard accuracy > baselineAccuracy else {
            throw CommandFailure(String(format: "the LSTM (%.4f) did not beat the order-blind baseline (%.4f); train longer with --epochs", accuracy, baselineAccuracy))
        }
    }

    func rows(of data: LabeledSequences) -> [[Int32]] {
        stride(from: 0, to: data.tokenIDs.count, by: data.time).map { Array(data.tokenIDs[$0..<($0 + data.time)]) }
    }
}
