import Recur

/// The models of the reference documents (/work/shared/seeds/README.md) with Keras's default
/// names: the library's `ReferencePreset`s plus the two further models document 002 summarizes.
enum ModelPresets {
    static func model(_ preset: String) throws -> SequentialModel {
        switch preset {
        case let name where ReferencePreset(rawValue: name) != nil:
            // The seven reference presets are the library's own, so the Keras goldens check them.
            return try ReferencePreset(rawValue: name)!.model()
        case "stacked-simplernn-4":
            return try SequentialModel(layers: [
                .embedding(EmbeddingConfig(inputDim: 10000, outputDim: 32)),
                .recurrent(.simpleRNN(32, returnSequences: true)),
                .recurrent(.simpleRNN(32, returnSequences: true)),
                .recurrent(.simpleRNN(32, returnSequences: true)),
                .recurrent(.simpleRNN(32)),
            ])
        case "bisimplernn":
            return try SequentialModel(layers: [
                .embedding(EmbeddingConfig(inputDim: 10000, outputDim: 32)),
                .bidirectional(BidirectionalConfig(.simpleRNN(32))),
                .dense(DenseConfig(1, activation: .sigmoid)),
            ])
        default:
            fatalError("no preset \(preset)")
        }
    }

    static let names = [
        "simplernn-imdb", "simplernn-dropout", "lstm-imdb", "stacked-simplernn", "bilstm",
        "stacked-bilstm", "bigru-w2v", "stacked-simplernn-4", "bisimplernn",
    ]
}
