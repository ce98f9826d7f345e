/// The models of the reference documents (`../shared/seeds/README.md`, "The presets these
/// documents define"), with each document's hyperparameters as defaults.
public enum ReferencePreset: String, CaseIterable, Sendable, Codable {
    case simpleRNNIMDB = "simplernn-imdb"
    case simpleRNNDropout = "simplernn-dropout"
    case lstmIMDB = "lstm-imdb"
    case stackedSimpleRNN = "stacked-simplernn"
    case bilstm
    case stackedBiLSTM = "stacked-bilstm"
    case bigruW2V = "bigru-w2v"

    /// Tokenizer vocabulary (`num_words`): indices below it are emitted, so it is also the
    /// embedding's row count. `bigru-w2v`'s 20,000 include the OOV token at index 1.
    public var vocabulary: Int { self == .bigruW2V ? 20_000 : 10_000 }
    /// The tokenizer's out-of-vocabulary word (Keras `oov_token`): only document 004 sets one.
    public var oovToken: String? { self == .bigruW2V ? "<OOV>" : nil }
    public var maxlen: Int {
        switch self {
        case .simpleRNNIMDB, .simpleRNNDropout, .lstmIMDB: return 500
        case .stackedSimpleRNN: return 80
        case .bilstm: return 200
        case .stackedBiLSTM: return 256
        case .bigruW2V: return 284
        }
    }
    public var batchSize: Int {
        switch self {
        case .simpleRNNIMDB, .simpleRNNDropout, .lstmIMDB: return 128
        case .stackedSimpleRNN, .bilstm: return 32
        case .stackedBiLSTM, .bigruW2V: return 64
        }
    }
    public var epochs: Int {
        switch self {
        case .simpleRNNIMDB, .lstmIMDB: return 10
        case .simpleRNNDropout: return 20
        case .stackedSimpleRNN, .stackedBiLSTM: return 5
        case .bilstm: return 12
        case .bigruW2V: return 50
        }
    }
    /// Keras `validation_split=0.2` for the 002 and 004 models; the others validate on the test set.
    public var validationFraction: Double? {
        switch self {
        case .simpleRNNIMDB, .simpleRNNDropout, .lstmIMDB, .bigruW2V: return 0.2
        default: return nil
        }
    }
    public var optimizer: OptimizerRule {
        switch self {
        case .simpleRNNIMDB, .simpleRNNDropout, .lstmIMDB: return .rmsprop()
        default: return .adam()
        }
    }
    public var loss: LossKind { self == .bigruW2V ? .sparseCategoricalCrossEntropy : .binaryCrossEntropy }
    /// `bigru-w2v`: early stopping on validation loss, patience 10, best weights restored.
    public var earlyStoppingPatience: Int? { self == .bigruW2V ? 10 : nil }
    public var document: String {
        switch self {
        case .simpleRNNIMDB, .simpleRNNDropout, .lstmIMDB: return "002_816e67ee7588b1a5.txt"
        case .stackedSimpleRNN: return "000_000af15f4923da78.txt"
        case .bilstm: return "003_505d49bef1cd43e3.txt"
        case .stackedBiLSTM: return "001_339821c8ffe762ac.txt"
        case .bigruW2V: return "004_9ecea27ecc16d1e8.txt"
        }
    }

    public func layers() -> [LayerConfig] {
        switch self {
        case .simpleRNNIMDB:
            return [.embedding(EmbeddingConfig(inputDim: 10_000, outputDim: 32)), .recurrent(.simpleRNN(32)),
                    .dense(DenseConfig(1, activation: .sigmoid))]
        case .simpleRNNDropout:
            return [.embedding(EmbeddingConfig(inputDim: 10_000, outputDim: 32)), .recurrent(.simpleRNN(32, dropout: 0.2, recurrentDropout: 0.2)),
                    .dense(DenseConfig(1, activation: .sigmoid))]
        case .lstmIMDB:
            return [.embedding(EmbeddingConfig(inputDim: 10_000, outputDim: 32)), .recurrent(.lstm(32)),
                    .dense(DenseConfig(1, activation: .sigmoid))]
        case .stackedSimpleRNN:
            return [.embedding(EmbeddingConfig(inputDim: 10_000, outputDim: 128)), .recurrent(.simpleRNN(64, returnSequences: true)),
                    .recurrent(.simpleRNN(64)), .dense(DenseConfig(1, activation: .sigmoid))]
        case .bilstm:
            return [.embedding(EmbeddingConfig(inputDim: 10_000, outputDim: 128)), .bidirectional(BidirectionalConfig(.lstm(64))),
                    .dropout(DropoutConfig(0.5)), .dense(DenseConfig(1, activation: .sigmoid))]
        case .stackedBiLSTM:
            return [.embedding(EmbeddingConfig(inputDim: 10_000, outputDim: 64)),
                    .bidirectional(BidirectionalConfig(.lstm(64, returnSequences: true))), .bidirectional(BidirectionalConfig(.lstm(32))),
                    .dense(DenseConfig(64, activation: .relu)), .dense(DenseConfig(1, activation: .sigmoid))]
        case .bigruW2V:
            return [.embedding(EmbeddingConfig(inputDim: 20_000, outputDim: 300, trainable: false)), .spatialDropout1D(SpatialDropout1DConfig(0.2)),
                    .bidirectional(BidirectionalConfig(.gru(128, dropout: 0.3))), .dropout(DropoutConfig(0.6)),
                    .dense(DenseConfig(2, activation: .softmax))]
        }
    }

    /// The model at the document's sequence length (or another, for tests and sweeps).
    public func model(maxlen: Int? = nil) throws -> SequentialModel {
        try SequentialModel(inputLength: maxlen ?? self.maxlen, layers: layers())
    }

    /// The document's training setup; `learningRate` is Keras's default for the optimizer (1e-3).
    public func configuration(seed: UInt64 = 0, batchSize: Int? = nil) -> TrainingConfiguration {
        TrainingConfiguration(loss: loss, optimizer: optimizer, learningRate: 1e-3, batchSize: batchSize ?? self.batchSize, seed: seed)
    }
}
