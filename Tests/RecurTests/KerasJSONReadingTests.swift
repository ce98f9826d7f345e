import XCTest
@testable import Recur

/// Reading `model.to_json()` from Keras 3 and tf.keras 2.
final class KerasJSONReadingTests: XCTestCase {
    func testKeras3JSONOfEveryPresetRebuildsTheSameModel() throws {
        for preset in ModelPresets.names {
            let golden = try XCTUnwrap(KerasModelGoldens.all[preset])
            let loaded = try SequentialModel(kerasJSON: golden.keras3JSON)
            XCTAssertEqual(loaded, try ModelPresets.model(preset), preset)
            XCTAssertEqual(loaded.summary(), golden.keras3Summary, preset)
        }
    }

    func testKeras2JSONOfEveryPresetRebuildsTheSameModel() throws {
        for preset in ModelPresets.names {
            let golden = try XCTUnwrap(KerasModelGoldens.all[preset])
            let loaded = try SequentialModel(kerasJSON: golden.keras2JSON)
            XCTAssertEqual(loaded, try ModelPresets.model(preset), preset)
        }
    }

    /// The oldest Keras 2 layout: the layer list is the config, the length is on the Embedding,
    /// initializers are plain objects, and there are no module keys.
    func testKeras2ListConfigWithInputLength() throws {
        let json = """
            {"class_name": "Sequential", "config": [
              {"class_name": "Embedding", "config": {"name": "embedding_1", "trainable": true,
                "batch_input_shape": [null, 12], "dtype": "float32", "input_dim": 35537, "output_dim": 128,
                "embeddings_initializer": {"class_name": "RandomUniform", "config": {"minval": -0.05, "maxval": 0.05, "seed": null}},
                "embeddings_regularizer": null, "activity_regularizer": null, "embeddings_constraint": null,
                "mask_zero": true, "input_length": 12}},
              {"class_name": "Bidirectional", "config": {"name": "bidirectional_1", "trainable": true,
                "layer": {"class_name": "GRU", "config": {"name": "gru_1", "units": 64, "activation": "tanh",
                  "recurrent_activation": "sigmoid", "return_sequences": true, "reset_after": false,
                  "implementation": 2, "unroll": true, "dropout": 0.25}}, "merge_mode": "ave"}},
              {"class_name": "Dense", "config": {"name": "dense_1", "units": 3, "activation": "softmax",
                "some_future_key": {"anything": [1, 2]}}}
            ]}
            """
        let model = try SequentialModel(kerasJSON: json)
        XCTAssertEqual(model.inputLength, 12)
        XCTAssertEqual(model.layers.map(\.name), ["embedding_1", "bidirectional_1", "dense_1"])
        XCTAssertEqual(model.layers.map(\.outputShape.description), ["(None, 12, 128)", "(None, 12, 64)", "(None, 12, 3)"])
        guard case .embedding(let embedding) = model.layers[0].config,
              case .bidirectional(let wrapper) = model.layers[1].config else { return XCTFail("wrong layers") }
        XCTAssertTrue(embedding.maskZero)
        XCTAssertEqual(wrapper.mergeMode, .ave)
        XCTAssertEqual(wrapper.layer, .gru(64, resetAfter: false, returnSequences: true, dropout: 0.25, name: "gru_1"))
        XCTAssertEqual(model.layers[1].parameters.last?.shape, [192])
    }

    func testKeras3InputLayerWithVariableLengthAndOldStringDtypes() throws {
        let json = """
            {"module": "keras", "class_name": "Sequential", "config": {"name": "sentiment", "trainable": true,
              "dtype": "float32", "layers": [
              {"module": "keras.layers", "class_name": "InputLayer",
               "config": {"batch_shape": [null, null], "dtype": "int32", "sparse": false, "name": "tokens"}, "registered_name": null},
              {"module": "keras.layers", "class_name": "Embedding", "config": {"name": "embedding_2", "trainable": false,
               "dtype": "float32", "input_dim": 50, "output_dim": 8, "mask_zero": false}, "registered_name": null,
               "build_config": {"input_shape": [null, null]}},
              {"module": "keras.layers", "class_name": "LSTM", "config": {"name": "lstm_2", "dtype": "float32", "units": 4,
               "activation": "relu", "recurrent_activation": "hard_sigmoid", "unit_forget_bias": false,
               "recurrent_dropout": 0.1, "seed": null}, "registered_name": null}
            ]}, "registered_name": null}
            """
        let model = try SequentialModel(kerasJSON: json)
        XCTAssertEqual(model.name, "sentiment")
        XCTAssertNil(model.inputLength)
        XCTAssertEqual(model.trainableParameterCount, 4 * 4 * (8 + 4 + 1))
        XCTAssertEqual(model.nonTrainableParameterCount, 400)
        XCTAssertEqual(model.layers[1].config, .recurrent(.lstm(
            4, activation: .relu, recurrentActivation: .hardSigmoid, unitForgetBias: false, recurrentDropout: 0.1, name: "lstm_2")))
    }
}
