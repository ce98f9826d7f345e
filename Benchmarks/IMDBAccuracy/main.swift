// Trains a reference preset on the real IMDB data and reports its accuracy, as the documents do.
//   swift run -c release imdb-accuracy --preset lstm-imdb [--data ../shared/data/imdb/aclImdb_v1.tar.gz]
//       [--device auto|cpu|opencl:N] [--epochs N] [--seed S] [--json FILE]
import Foundation
import Recur

var arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String) -> String? {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
    return arguments[i + 1]
}
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("imdb-accuracy: \(message)\n".utf8))
    exit(2)
}
guard let presetName = option("--preset"), let preset = ReferencePreset(rawValue: presetName) else {
    fail("--preset must be one of \(ReferencePreset.allCases.map(\.rawValue).joined(separator: ", "))")
}
let path = option("--data") ?? "../shared/data/imdb/aclImdb_v1.tar.gz"
let seed = UInt64(option("--seed") ?? "1") ?? 1
let epochs = Int(option("--epochs") ?? "") ?? preset.epochs

let started = Date()
let selection = try BackendSelector().select(DeviceRequest(parsing: option("--device") ?? "auto"))
print("device: \(selection.summary)" + (selection.warning.map { " — \($0)" } ?? ""))
let data = try IMDBReader.read(path)
let train = data.trainInKerasOrder
var tokenizer = Tokenizer(.init(numWords: preset.vocabulary, oovToken: preset.oovToken))
tokenizer.fit(on: train.map(\.text))
func sequences(_ reviews: [LabeledText]) -> LabeledSequences { LabeledSequences(reviews, tokenizer: tokenizer, maxlen: preset.maxlen) }
let trainingAll = sequences(train), test = sequences(data.test)
let (training, validation) = preset.validationFraction.map { trainingAll.split(validationFraction: $0) } ?? (trainingAll, test)
print("data: \(training.count) training, \(validation.count) validation (\(preset.validationFraction == nil ? "the test set" : "last 20% of train")), \(test.count) test; prepared in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")

var layers = preset.layers()
if preset == .bigruW2V, case .embedding(var embedding) = layers[0] {
    // No pretrained 300-d vectors here: the embedding is trained from scratch instead of frozen.
    embedding.trainable = true
    layers[0] = .embedding(embedding)
    print("note: no pretrained word2vec vectors given; the embedding is trained from scratch")
}
let model = try SequentialModel(inputLength: preset.maxlen, layers: layers)
let trainer = try Trainer(model: model, configuration: preset.configuration(seed: seed), backend: selection.backend)
var callbacks: [TrainingCallback] = []
if let patience = preset.earlyStoppingPatience {
    callbacks.append(EarlyStopping(monitor: .validationLoss, patience: patience, restoreBestWeights: true))
}
let history = try trainer.fit(training, epochs: epochs, validation: validation, callbacks: callbacks) { m in
    print(String(format: "epoch %d/%d  %4.0f s  %5.0f ms/step  loss %.4f  acc %.4f  val_loss %.4f  val_acc %.4f",
                 m.epoch, epochs, m.seconds, 1000 * m.seconds / Double(m.steps), m.loss, m.accuracy,
                 m.validationLoss ?? .nan, m.validationAccuracy ?? .nan))
    fflush(stdout)
    return true
}
let result = try trainer.evaluate(test)
let wall = Date().timeIntervalSince(started)
print(String(format: "%@: test accuracy %.4f, best validation accuracy %.4f, %d epochs, %.0f s wall",
             preset.rawValue, result.accuracy, history.bestValidationAccuracy ?? .nan, history.epochs.count, wall))
if let json = option("--json") {
    let object: [String: Any] = ["preset": preset.rawValue, "device": selection.summary, "seed": seed,
                                 "test_accuracy": result.accuracy, "test_loss": result.loss,
                                 "best_val_accuracy": (history.bestValidationAccuracy as Any?) ?? NSNull(), "wall_s": wall,
                                 "epochs": history.epochs.map { m -> [String: Any] in ["epoch": m.epoch, "loss": m.loss, "accuracy": m.accuracy,
                                                                 "val_loss": (m.validationLoss as Any?) ?? NSNull(), "val_accuracy": (m.validationAccuracy as Any?) ?? NSNull(),
                                                                 "seconds": m.seconds] }]
    try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]).write(to: URL(fileURLWithPath: json))
}
