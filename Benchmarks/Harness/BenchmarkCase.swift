import Recur
import RecurCompute

/// One model at one batch shape to measure: a reference preset at its document's batch and
/// sequence length, or a point of a sweep.
public struct BenchmarkCase: Sendable {
    /// `simplernn-imdb`, or `sweep-t lstm T=200 B=32 H=128` for a sweep point.
    public let name: String
    public let preset: ReferencePreset?
    public let model: SequentialModel
    public let batch: Int
    public let time: Int
    public let configuration: TrainingConfiguration
    /// The sweep this case belongs to (`t`, `b`, `h`, `deepbench`), with its cell and swept value.
    public let sweep: SweepPoint?
    /// The batch every timed step trains on: random ids unless ``on(_:)`` gave it another.
    public private(set) var data: BenchmarkBatch

    init(name: String, preset: ReferencePreset?, model: SequentialModel, batch: Int, time: Int,
         configuration: TrainingConfiguration, sweep: SweepPoint?) {
        self.name = name; self.preset = preset; self.model = model; self.batch = batch; self.time = time
        self.configuration = configuration; self.sweep = sweep
        data = .random(batch: batch, time: time, vocabulary: Self.vocabulary(of: model), classes: model.outputShape.features ?? 1,
                       loss: configuration.loss)
    }

    /// The same case timed on `data` instead (real text, say), which must have its shapes.
    public func on(_ data: BenchmarkBatch) throws -> BenchmarkCase {
        guard data.tokenIDs.count == batch * time, data.labels.count == self.data.labels.count else {
            throw BenchmarkError.invalid("\(name): a batch of \(data.tokenIDs.count) ids and \(data.labels.count) labels, where the case takes \(batch) × \(time) ids and \(self.data.labels.count) labels")
        }
        var copy = self
        copy.data = data
        return copy
    }

    /// The preset at its document's batch size and sequence length.
    public static func preset(_ preset: ReferencePreset, seed: UInt64 = 1) throws -> BenchmarkCase {
        BenchmarkCase(name: preset.rawValue, preset: preset, model: try preset.model(), batch: preset.batchSize, time: preset.maxlen,
                      configuration: preset.configuration(seed: seed), sweep: nil)
    }

    /// Embedding(10000, E) → one recurrent layer of `hidden` units → Dense(1, sigmoid), Adam and
    /// binary cross-entropy: the sweeps' model, so that only the recurrent layer's cost moves.
    public static func recurrent(_ point: SweepPoint, seed: UInt64 = 1) throws -> BenchmarkCase {
        let layer: RecurrentConfig
        switch point.cell {
        case .simpleRNN: layer = .simpleRNN(point.hidden)
        case .lstm: layer = .lstm(point.hidden)
        case .gru: layer = .gru(point.hidden)
        }
        let model = try SequentialModel(inputLength: point.time, layers: [
            .embedding(EmbeddingConfig(inputDim: 10_000, outputDim: point.embedding)), .recurrent(layer),
            .dense(DenseConfig(1, activation: .sigmoid)),
        ])
        let configuration = TrainingConfiguration(loss: .binaryCrossEntropy, optimizer: .adam(), learningRate: 1e-3,
                                                  batchSize: point.batch, seed: seed)
        return BenchmarkCase(name: point.label, preset: nil, model: model, batch: point.batch, time: point.time,
                             configuration: configuration, sweep: point)
    }

    /// The embedding's row count: random ids are drawn below it.
    static func vocabulary(of model: SequentialModel) -> Int {
        for layer in model.layers { if case .embedding(let e) = layer.config { return e.inputDim } }
        return 1
    }

    public var flops: FLOPCount { FLOPCount(model: model, batch: batch, time: time, optimizer: configuration.optimizer) }
}
