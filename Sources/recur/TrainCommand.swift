import ArgumentParser
import Dispatch
import Foundation
import Recur

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a reference preset or a Keras model file on a text dataset.",
        discussion: """
        Each epoch writes to the output folder, atomically: last.safetensors (resumable), best.safetensors
        (best validation loss), tokenizer.json, history.json, history.csv and history.svg. Ctrl-C or SIGTERM
        finishes the step in flight, writes the checkpoint and says how to resume.

        Examples:
          recur train --preset lstm-imdb --data ../shared/data/imdb/aclImdb_v1.tar.gz
          recur train --preset bilstm --epochs 3 --batch-size 64 --device cpu
          recur train --model model.json --data reviews.csv --text-column review --label-column sentiment --classes neg,pos
          recur train --preset bigru-w2v --embeddings GoogleNews-vectors-negative300.bin
          recur train --resume runs/lstm-imdb
        """)

    @Option(help: "A preset: \(ReferencePreset.allCases.map(\.rawValue).joined(separator: ", ")).")
    var preset: String?
    @Option(help: "A Keras model JSON file (model.to_json()), instead of a preset's layers.")
    var model: String?
    @Option(help: "The dataset: the IMDB archive or folder, a .csv/.tsv/.jsonl file, or the prefix of name.pos/name.neg files.")
    var data: String = "../shared/data/imdb/aclImdb_v1.tar.gz"
    @Option(help: "CSV/JSON-lines column holding the text.") var textColumn: String = "text"
    @Option(help: "CSV/JSON-lines column holding the label.") var labelColumn: String = "label"
    @Option(help: "The label values in class order, comma-separated.") var classes: String = "0,1"
    @Option(help: "auto, cpu, an index, opencl:N, or part of a device name.") var device: String = "auto"
    @Option(help: "Folder for checkpoints, history and plot (default runs/<preset or model>).") var output: String?
    @Option(help: "Resume the run in this folder from its last checkpoint.") var resume: String?
    @Option(help: "Epochs (the preset's by default).") var epochs: Int?
    @Option(help: "Batch size.") var batchSize: Int?
    @Option(help: "Learning rate (Keras's default for the optimizer: 0.001).") var learningRate: Float?
    @Option(help: "Sequence length tokens are padded or cut to.") var maxlen: Int?
    @Option(help: "Vocabulary size (Keras num_words).") var vocabulary: Int?
    @Option(help: "Fraction of the training data held out for validation (Keras validation_split).") var validationSplit: Double?
    @Option(help: "Truncated BPTT segment length.") var tbptt: Int?
    @Option(help: "Clip gradients to this global norm.") var clipNorm: Float?
    @Option(help: "Seed for weights, shuffling and dropout.") var seed: UInt64 = 1
    @Option(help: "Pretrained word vectors (word2vec .bin or text, GloVe) for the first Embedding.") var embeddings: String?
    @Option(help: "The vectors file's format: \(EmbeddingFileFormat.allCases.map(\.rawValue).joined(separator: ", ")) (guessed by default).")
    var embeddingsFormat: EmbeddingFileFormat?
    @Flag(help: "Print kernel build logs when falling back to the CPU.") var verbose = false

    func validate() throws {
        if resume == nil && (preset == nil) == (model == nil) { throw ValidationError("give exactly one of --preset or --model (or --resume)") }
        if let preset, ReferencePreset(rawValue: preset) == nil {
            throw ValidationError("unknown preset '\(preset)'; choose one of \(ReferencePreset.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        for (name, value) in [("--epochs", epochs), ("--batch-size", batchSize), ("--maxlen", maxlen), ("--vocabulary", vocabulary), ("--tbptt", tbptt)] {
            if let value, value <= 0 { throw ValidationError("\(name) must be positive, got \(value)") }
        }
        if let learningRate, !(learningRate > 0 && learningRate.isFinite) { throw ValidationError("--learning-rate must be positive, got \(learningRate)") }
        if let validationSplit, !(validationSplit >= 0 && validationSplit < 1) { throw ValidationError("--validation-split must be in [0, 1), got \(validationSplit)") }
    }

    func run() throws {
        try CommandFailure.oneLine(train)
    }

    func train() throws {
        let started = Date()
        let selection = try openDevice(device, verbose: verbose)
        let run = try TrainingRun(command: self)
        try run.execute(backend: selection.backend, started: started)
    }
}

extension EmbeddingFileFormat: ExpressibleByArgument {}

extension TrainingRun {
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
                if preset == .bigruW2V && !embedding.trainable && c.embeddings == nil {
                    // A frozen random embedding would learn nothing: without vectors, train it.
                    print("note: no pretrained word vectors given (--embeddings FILE); the embedding is trained from scratch")
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
                            oovToken: preset?.oovToken,
                            validationFraction: c.validationSplit ?? Self.validationFraction(preset),
                            epochs: c.epochs ?? preset?.epochs ?? 10, earlyStoppingPatience: preset?.earlyStoppingPatience,
                            dataPath: c.data, textColumn: c.textColumn, labelColumn: c.labelColumn, classes: classes,
                            embeddings: c.embeddings, embeddingsFormat: c.embeddingsFormat)
        folder = URL(fileURLWithPath: c.output ?? "runs/\(name)")
        resuming = false
    }

    /// The preset's own validation (a held-out fraction, or none: the test set validates, as
    /// in documents 000, 001 and 003); Keras's common 0.2 for a model file.
    private static func validationFraction(_ preset: ReferencePreset?) -> Double? {
        guard let preset else { return 0.2 }
        return preset.validationFraction
    }
}
