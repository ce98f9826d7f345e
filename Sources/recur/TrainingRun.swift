import Dispatch
import Foundation
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
    }

    var settings: Settings
    var configuration: TrainingConfiguration
    let folder: URL
    let resuming: Bool

    init(command c: TrainCommand) throws {
        if let resume = c.resume {
            folder = URL(fileURLWithPath: resume)
            let saved = folder.appendingPathComponent("run.json")
            guard let data = try? Data(contentsOf: saved) else {
                throw CommandFailure("\(resume) has no run.json; resume a folder an earlier `recur train` wrote")
            }
            settings = try JSONDecoder().decode(Settings.self, from: data)
            if let epochs = c.epochs { settings.epochs = epochs }
            configuration = TrainingConfiguration(loss: .binaryCrossEntropy)  // replaced by the checkpoint's
            resuming = true
            return
        }
        let preset = c.preset.flatMap(ReferencePreset.init(rawValue:))
        let maxlen = c.maxlen ?? preset?.maxlen ?? 200
        let vocabulary = c.vocabulary ?? preset?.vocabulary ?? 10_000
        var model: SequentialModel
        if let path = c.model {
            do { model = try SequentialModel(kerasJSON: try Data(contentsOf: URL(fileURLWithPath: path))) }
            catch { throw CommandFailure("\(path): \(error)") }
        } else {
            var layers = preset!.layers()
            if case .embedding(var embedding) = layers[0] {
                embedding.inputDim = vocabulary
                if preset == .bigruW2V && !embedding.trainable {
                    // No pretrained vectors are loaded by this command yet: train the embedding.
                    print("note: no pretrained word vectors given; the embedding is trained from scratch")
                    embedding.trainable = true
                }
                layers[0] = .embedding(embedding)
            }
            model = try SequentialModel(inputLength: maxlen, layers: layers)
        }
        let classes = c.classes.split(separator: ",").map(String.init)
        let loss: LossKind = (model.outputShape.features ?? 1) > 1 ? .sparseCategoricalCrossEntropy : .binaryCrossEntropy
        var configuration = preset?.configuration(seed: c.seed) ?? TrainingConfiguration(loss: loss, seed: c.seed)
        configuration.loss = preset?.loss ?? loss
        if let b = c.batchSize { configuration.batchSize = b }
        if let lr = c.learningRate { configuration.learningRate = lr }
        configuration.tbptt = c.tbptt
        configuration.globalClipNorm = c.clipNorm
        self.configuration = configuration
        let name = c.preset ?? URL(fileURLWithPath: c.model ?? "model").deletingPathExtension().lastPathComponent
        settings = Settings(name: name, preset: c.preset, modelJSON: model.kerasJSON(), maxlen: maxlen, vocabulary: vocabulary,
                            oovToken: preset == .bigruW2V ? "<OOV>" : nil,
                            validationFraction: c.validationSplit ?? preset?.validationFraction ?? 0.2,
                            epochs: c.epochs ?? preset?.epochs ?? 10, earlyStoppingPatience: preset?.earlyStoppingPatience,
                            dataPath: c.data, textColumn: c.textColumn, labelColumn: c.labelColumn, classes: classes)
        folder = URL(fileURLWithPath: c.output ?? "runs/\(name)")
        resuming = false
    }

    func execute(backend: Backend, started: Date) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let data = try TrainingData.load(settings.dataPath, textColumn: settings.textColumn, labelColumn: settings.labelColumn,
                                         classes: settings.classes)
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
        func sequences(_ texts: [LabeledText]) -> LabeledSequences {
            let padded = padSequences(tokenizer.sequences(for: texts.map(\.text)), maxlen: settings.maxlen)
            return LabeledSequences(tokenIDs: padded.values, labels: texts.map { Float($0.label) }, time: settings.maxlen)
        }
        let all = sequences(data.train)
        let (training, validation): (LabeledSequences, LabeledSequences?)
        if let fraction = settings.validationFraction, fraction > 0 {
            (training, validation) = all.split(validationFraction: fraction)
        } else {
            (training, validation) = (all, data.test.map(sequences))
        }
        let last = folder.appendingPathComponent("last.safetensors")
        let trainer: Trainer
        var history = History()
        if resuming {
            guard FileManager.default.fileExists(atPath: last.path) else { throw CommandFailure("\(folder.path) has no last.safetensors to resume from") }
            (trainer, history) = try Trainer.resume(from: last, backend: backend)
            print("resuming \(settings.name) after epoch \(history.epochs.count) (\(last.path))")
        } else {
            trainer = try Trainer(model: try SequentialModel(kerasJSON: settings.modelJSON), configuration: configuration, backend: backend)
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
        let result = try trainer.fit(training, epochs: epochs, validation: validation, resuming: history, callbacks: callbacks, stop: stop,
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
        if let epoch = result.interruptedEpoch {
            try trainer.save(to: last, history: result)
            try HistoryFiles.write(result, to: folder)
            print("\ninterrupted in epoch \(epoch); checkpoint written to \(last.path)")
            print("resume with: recur train --resume \(folder.path)")
            return
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
    }
}
