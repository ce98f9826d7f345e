import Foundation
import Recur

/// What `recur demo` trains: the generated order-sensitive corpus (the default) or IMDB.
struct DemoJob {
    var settings: TrainingRun.Settings
    var configuration: TrainingConfiguration
    /// The held-out reviews when the dataset file has no test split of its own.
    var testTexts: [LabeledText]?
    /// Two sentences to classify at the end, with the label they should get.
    var examples: [LabeledText]
    var description: [String]

    static let classes = ["negative", "positive"]

    /// Generates the corpus, writes it as JSON lines into `folder` (so `recur evaluate` and
    /// `--resume` can read it again) and sets up a small LSTM for it.
    static func generated(pairs: Int, epochs: Int, seed: UInt64, in folder: URL) throws -> DemoJob {
        let corpus = OrderSensitiveCorpus(trainingPairs: pairs, testPairs: max(pairs / 4, 20), seed: seed)
        let trainURL = folder.appendingPathComponent("corpus-train.jsonl"), testURL = folder.appendingPathComponent("corpus-test.jsonl")
        try writeJSONLines(corpus.train, to: trainURL)
        try writeJSONLines(corpus.test, to: testURL)
        let maxlen = 64
        let model = try SequentialModel(inputLength: maxlen, layers: [
            .embedding(EmbeddingConfig(inputDim: 500, outputDim: 32)), .recurrent(.lstm(32)), .dense(DenseConfig(1, activation: .sigmoid)),
        ])
        let settings = TrainingRun.Settings(
            name: "demo", preset: nil, modelJSON: model.kerasJSON(), maxlen: maxlen, vocabulary: 500, oovToken: nil,
            validationFraction: 0.2, epochs: epochs, earlyStoppingPatience: nil, dataPath: trainURL.path,
            textColumn: "text", labelColumn: "label", classes: classes)
        let twin = corpus.train.prefix(2).map { "  \(classes[$0.label]): \($0.text)" }
        return DemoJob(
            settings: settings,
            configuration: TrainingConfiguration(loss: .binaryCrossEntropy, optimizer: .adam(), learningRate: 0.01, batchSize: 32, seed: seed),
            testTexts: corpus.test, examples: OrderSensitiveCorpus.examples,
            description: [
                "corpus: \(corpus.train.count) generated reviews to train on (the last 20% for validation), \(corpus.test.count) to test on,",
                "  in \(folder.path)/corpus-{train,test}.jsonl. The label is the verdict of the second clause, flipped when it is",
                "  negated; every review has a twin with exactly the same words and the opposite label, so a model that",
                "  ignores word order is at chance. The first twins:",
            ] + twin + ["model: Embedding(500, 32) → LSTM(32) → Dense(1, sigmoid), Adam(0.01), batch 32, \(epochs) epochs"])
    }

    /// The lstm-imdb preset on the IMDB archive or folder at `path`.
    static func imdb(at path: String, epochs: Int, seed: UInt64) throws -> DemoJob {
        let preset = ReferencePreset.lstmIMDB
        let settings = TrainingRun.Settings(
            name: "demo-imdb", preset: preset.rawValue, modelJSON: try preset.model().kerasJSON(), maxlen: preset.maxlen,
            vocabulary: preset.vocabulary, oovToken: nil, validationFraction: preset.validationFraction, epochs: epochs,
            earlyStoppingPatience: nil, dataPath: path, textColumn: "text", labelColumn: "label", classes: classes)
        return DemoJob(
            settings: settings, configuration: preset.configuration(seed: seed), testTexts: nil,
            examples: [
                LabeledText(text: "I expected to hate it, but it turned out to be one of the best films I have seen this year.", label: 1),
                LabeledText(text: "It had a great cast and a great premise, and it wasted both on a dull, lifeless script.", label: 0),
            ],
            description: ["dataset: IMDB at \(path); model: the lstm-imdb preset (\(preset.document)), \(epochs) epochs"])
    }

    func describe() { description.forEach { print($0) } }

    static func writeJSONLines(_ texts: [LabeledText], to url: URL) throws {
        struct Line: Encodable { let text: String; let label: String }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = Data()
        for text in texts {
            data += try encoder.encode(Line(text: text.text, label: classes[text.label]))
            data.append(UInt8(ascii: "\n"))
        }
        try AtomicFileWriter().write(data, to: url)
    }
}
