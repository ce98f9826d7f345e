import Recur

/// The models of the reference documents (/work/shared/seeds/README.md), built from code the
/// way the documents build them in Keras, with Keras's default names.
enum ModelPresets {
    static func model(_ preset: String) throws -> SequentialModel {
        switch preset {
        case "simplernn-imdb":
            return try SequentialModel(inputLength: 500, layers: [
                .embedding(EmbeddingConfig(inputDim: 10000, outputDim: 32)),
                .recurrent(.simpleRNN(32)),
                .dense(DenseConfig(1, activation: .sigmoid)),
            ])
        case "simplernn-dropout":
            return try SequentialModel(inputLength: 500, layers: [
                .embedding(EmbeddingConfig(inputDim: 10000, outputDim: 32)),
                .recurrent(.simpleRNN(32, dropout: 0.2, recurrentDropout: 0.2)),
                .dense(DenseConfig(1, activation: .sigmoid)),
            ])
        case "lstm-imdb":
            return try SequentialModel(inputLength: 500, layers: [
                .embedding(EmbeddingConfig(inputDim: 10000, outputDim: 32)),
                .recurrent(.lstm(32)),
                .dense(DenseConfig(1, activation: .sigmoid)),
            ])
        case "stacked-simplernn":
            return try SequentialModel(inputLength: 80, layers: [
                .embedding(EmbeddingConfig(inputDim: 10000, outputDim: 128)),
                .recurrent(.simpleRNN(64, returnSequences: true)),
                .recurrent(.simpleRNN(64)),
                .dense(DenseConfig(1, activation: .sigmoid)),
            ])
        case "bilstm":
            return try SequentialModel(inputLength: 200, layers: [
                .embedding(EmbeddingConfig(inputDim: 10000, outputDim: 128)),
                .bidirectional(BidirectionalConfig(.lstm(64))),
                .dropout(DropoutConfig(0.5)),
                .dense(DenseConfig(1, activation: .sigmoid)),
            ])
        case "stacked-bilstm":
            return try SequentialModel(inputLength: 256, layers: [
                .embedding(EmbeddingConfig(inputDim: 10000, outputDim: 64)),
                .bidirectional(BidirectionalConfig(.lstm(64, returnSequences: true))),
                .bidirectional(BidirectionalConfig(.lstm(32))),
                .dense(DenseConfig(64, activation: .relu)),
                .dense(DenseConfig(1, activation: .sigmoid)),
            ])
        case "bigru-w2v":
            return try SequentialModel(inputLength: 284, layers: [
                .embedding(EmbeddingConfig(inputDim: 20000, outputDim: 300, trainable: false)),
                .spatialDropout1D(SpatialDropout1DConfig(0.2)),
                .bidirectional(BidirectionalConfig(.gru(128, dropout: 0.3))),
                .dropout(DropoutConfig(0.6)),
                .dense(DenseConfig(2, activation: .softmax)),
            ])
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
