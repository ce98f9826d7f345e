import XCTest
@testable import Recur

/// Weight names, shapes, order and trainability against Keras 3's `model.weights`.
final class ModelWeightLayoutTests: XCTestCase {
    func testPresetWeightsMatchKeras3ModelWeights() throws {
        for preset in ModelPresets.names {
            let model = try ModelPresets.model(preset)
            let golden = try XCTUnwrap(KerasModelGoldens.all[preset])
            let ours = model.parameters.map { spec in
                "\(spec.kerasVariablePath(modelName: model.name)) \(spec.shape) \(spec.trainable ? "trainable" : "frozen")"
            }.joined(separator: "\n")
            XCTAssertEqual(ours, golden.weights, preset)
        }
    }

    func testLayerRelativePathsDropTheModelName() throws {
        let model = try ModelPresets.model("stacked-bilstm")
        XCTAssertEqual(model.parameters.map(\.path).prefix(4), [
            "embedding/embeddings",
            "bidirectional/forward_lstm/lstm_cell/kernel",
            "bidirectional/forward_lstm/lstm_cell/recurrent_kernel",
            "bidirectional/forward_lstm/lstm_cell/bias",
        ])
        XCTAssertEqual(model.layer(named: "dense_1")?.parameters.map(\.path), ["dense_1/kernel", "dense_1/bias"])
    }

    func testInitializersFollowKerasDefaults() throws {
        let model = try ModelPresets.model("lstm-imdb")
        XCTAssertEqual(model.parameters.map(\.initializer), [
            .uniform(min: -0.05, max: 0.05), .glorotUniform, .orthogonal, .lstmUnitForgetBias(units: 32),
            .glorotUniform, .zeros,
        ])
        let noForgetBias = try SequentialModel(layers: [
            .embedding(EmbeddingConfig(inputDim: 3, outputDim: 2)), .recurrent(.lstm(2, unitForgetBias: false)),
        ])
        XCTAssertEqual(noForgetBias.parameters.last?.initializer, .zeros)
    }

    func testDefaultNamesFollowKerasCounting() throws {
        let model = try SequentialModel(layers: [
            .embedding(EmbeddingConfig(inputDim: 10, outputDim: 4)),
            .spatialDropout1D(SpatialDropout1DConfig(0.1)),
            .bidirectional(BidirectionalConfig(.lstm(3, returnSequences: true))),
            .recurrent(.lstm(3, returnSequences: true, name: "lstm_2")),
            .recurrent(.lstm(3, returnSequences: true)),
            .recurrent(.simpleRNN(3)),
            .dense(DenseConfig(2)),
            .dense(DenseConfig(1)),
        ])
        XCTAssertEqual(model.layers.map(\.name), [
            "embedding", "spatial_dropout1d", "bidirectional", "lstm_2", "lstm_1", "simple_rnn", "dense", "dense_1",
        ])
        guard case .bidirectional(let wrapper) = model.layers[2].config else { return XCTFail("not bidirectional") }
        XCTAssertEqual(wrapper.layer.name, "lstm")
        XCTAssertEqual(wrapper.forwardLayer.name, "forward_lstm")
        XCTAssertEqual(wrapper.backwardLayer.name, "backward_lstm")
        XCTAssertTrue(wrapper.backwardLayer.goBackwards)
    }

    func testSnakeCaseMatchesKeras() {
        XCTAssertEqual(LayerNaming.snakeCase("SimpleRNN"), "simple_rnn")
        XCTAssertEqual(LayerNaming.snakeCase("SpatialDropout1D"), "spatial_dropout1d")
        XCTAssertEqual(LayerNaming.snakeCase("LSTM"), "lstm")
        XCTAssertEqual(LayerNaming.snakeCase("Bidirectional"), "bidirectional")
    }
}
