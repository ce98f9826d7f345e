import Dispatch
import Foundation
import Logging
import Recur

/// One `recur train` run: its settings resolved from the preset and the flags (or from the
/// checkpoint being resumed), its output folder, and the loop that writes after every epoch.
struct TrainingRun {
    struct Settings: Codable {
        var name: String
        var preset: String?
        var modelJSON: String
        var maxlen: Int
        var vocabulary: Int
        var oovToken: String?
        var validationFraction: Double?
        var epochs: Int
        var earlyStoppingPatience: Int?
        var dataPath: String
        var textColumn: String
        var labelColumn: String
        var classes: [String]
        /// Pretrained word vectors loaded into the first Embedding before the first epoch.
        var embeddings: String?
        var embeddingsFormat: EmbeddingFileFormat?
    }

    var settings: Settings
    var configuration: TrainingConfiguration
    let folder: URL
    let resuming: Bool

    /// What a finished or interrupted run leaves for the caller: the trained model (the last
    /// epoch's weights, or the best when early stopping restored them), the history, the
    /// tokenizer and the dataset's own test split when it has one.
    struct Outcome {
        var trainer: Trainer
        var history: History
        var tokenizer: Tokenizer
        /// The rows trained on (validation rows excluded) and the dataset's test split.
        var training: LabeledSequences
        var test: LabeledSequences?
        var interrupted: Bool { history.interruptedEpoch != nil }
    }

    @discardableResult
    func execute(backend: Backend, started: Date) throws -> Outcome {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let logger = Logger(label: "recur.train")
        let loadStarted = Date()
        let data = try TrainingData.load(settings.dataPath, textColumn: settings.textColumn, labelColumn: settings.labelColumn,
                                         classes: settings.classes)
        logger.info("read \(settings.dataPath) in \(String(format: "%.2f", Date().timeIntervalSince(loadStarted))) s")
        print("data: \(data.description)")
        let writer = AtomicFileWriter()
        var tokenizer: Tokenizer
        let tokenizerURL = folder.appendingPathComponent("tokenizer.json")
        if resuming, let saved = try? Data(contentsOf: tokenizerURL) {
            tokenizer = try JSONDecoder().decode(Tokenizer.self, from: saved)
        } else {
            tokenizer = Tokenizer(.init(numWords: settings.vocabulary, oovToken: settings.oovToken))
            tokenizer.fit(on: data.train.map(\.text))
            try writer.write(try JSONEncoder().encode(tokenizer), to: tokenizerURL)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try writer.write(try encoder.encode(settings), to: folder.appendingPathComponent("run.json"))
        }
        func sequences(_ texts: [LabeledText]) -> LabeledSequences { LabeledSequences(texts, tokenizer: tokenizer, maxlen: settings.maxlen) }
        let prepareStarted = Date()
        let all = sequences(data.train)
        let test = data.test.map(sequences)
        let (training, validation): (LabeledSequences, LabeledSequences?)
        if let fraction = settings.validationFraction, fraction > 0 {
            (training, validation) = all.split(validationFraction: fraction)
        } else {
            (training, validation) = (all, test)
        }
        logger.info("tokenized and padded \(all.count + (test?.count ?? 0)) texts to \(settings.maxlen) tokens in \(String(format: "%.2f", Date().timeIntervalSince(prepareStarted))) s")
        let last = folder.appendingPathComponent("last.safetensors")
        let trainer: Trainer
        var history = History()
        if resuming {
            guard FileManager.default.fileExists(atPath: last.path) else { throw CommandFailure("\(folder.path) has no last.safetensors to resume from") }
            (trainer, history) = try Trainer.resume(from: last, backend: backend)
            print("resuming \(settings.name) after epoch \(history.epochs.count) (\(last.path))")
        } else {
            let model = try SequentialModel(kerasJSON: settings.modelJSON)
            var weights = ParameterValues.initial(for: model, seed: configuration.seed)
            if let path = settings.embeddings {
                try loadEmbeddings(path, into: &weights, of: model, tokenizer: tokenizer)
            }
            trainer = try Trainer(model: model, configuration: configuration, backend: backend, initialWeights: weights)
        }
        var callbacks: [TrainingCallback] = [
            ModelCheckpoint(url: last),
            ModelCheckpoint(url: folder.appendingPathComponent("best.safetensors"), monitor: validation == nil ? .loss : .validationLoss, saveBestOnly: true),
        ]
        if let patience = settings.earlyStoppingPatience {
            callbacks.append(EarlyStopping(monitor: .validationLoss, patience: patience, restoreBestWeights: true))
        }
        let stop = StopRequest()
        let signals = [SIGINT, SIGTERM].map { signalNumber -> DispatchSourceSignal in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                stop.request()
                FileHandle.standardError.write(Data("\nstopping after the current step…\n".utf8))
            }
            source.resume()
            return source
        }
        defer { signals.forEach { $0.cancel() } }

        var progress = ProgressLine()
        let epochs = settings.epochs
        var stepTimes: [Double] = []
        let result: History
        do {
                result = try trainer.fit(training, epochs: epochs, validation: validation, resuming: history, callbacks: callbacks, stop: stop,
                                         onStep: { epoch, step, steps in
                                             if step == 1 { progress.startEpoch(epoch, of: epochs) }
                                             progress.step(step, of: steps)
                                         }, onEpoch: { metrics in
                                             progress.finish(metrics)
                                             stepTimes.append(1000 * metrics.seconds / Double(max(metrics.steps, 1)))
                                             var record = history
                                             record.epochs.append(metrics)
                                             history = record
                                             try HistoryFiles.write(record, to: folder)
                                             return true
                                         })
        } catch let error as CheckpointError {
            throw CommandFailure("\(error) Then resume with: recur train --resume \(folder.path)")
        }
        if let epoch = result.interruptedEpoch {
            try trainer.save(to: last, history: result)
            try HistoryFiles.write(result, to: folder)
            print("\ninterrupted in epoch \(epoch); checkpoint written to \(last.path)")
            print("resume with: recur train --resume \(folder.path)")
            return Outcome(trainer: trainer, history: result, tokenizer: tokenizer, training: training, test: test)
        }
        try HistoryFiles.write(result, to: folder)
        let wall = Date().timeIntervalSince(started)
        let median = stepTimes.sorted().dropFirst(stepTimes.count / 2).first ?? 0
        var summary = String(format: "done: %d epochs in %.0f s wall, median %.0f ms/step", result.epochs.count, wall, median)
        if let best = result.epochs.filter({ $0.validationAccuracy != nil }).max(by: { $0.validationAccuracy! < $1.validationAccuracy! }) {
            summary += String(format: "; best val_acc %.4f (val_loss %.4f) at epoch %d", best.validationAccuracy!, best.validationLoss ?? .nan, best.epoch)
        }
        print(summary)
        print("outputs: \(folder.path)/{last,best}.safetensors, tokenizer.json, history.{json,csv,svg}")
        return Outcome(trainer: trainer, history: result, tokenizer: tokenizer, training: training, test: test)
    }

    /// Puts the vectors for the tokenizer's vocabulary into the model's first embedding matrix.
    func loadEmbeddings(_ path: String, into weights: inout [String: [Float]], of model: SequentialModel, tokenizer: Tokenizer) throws {
        guard let spec = model.parameters.first(where: { $0.name == "embeddings" }) else {
            throw CommandFailure("--embeddings: the model has no Embedding layer to load vectors into")
        }
        let format = try settings.embeddingsFormat ?? EmbeddingFileFormat(guessingFrom: path)
        let vectors = try PretrainedEmbeddings.read(path, format: format, for: tokenizer)
        guard vectors.rows == spec.shape[0], vectors.dimension == spec.shape[1] else {
            throw CommandFailure("--embeddings: \(path) gives a \(vectors.rows) × \(vectors.dimension) matrix, the model's embedding is "
                + "\(spec.shape[0]) × \(spec.shape[1]); use vectors of \(spec.shape[1]) values, or a --model file whose Embedding matches")
        }
        print("embeddings: \(vectors.summary)")
        weights[spec.path] = vectors.matrix
    }
}
