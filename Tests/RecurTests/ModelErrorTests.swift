import XCTest
@testable import Recur

/// Every way a definition or a Keras file can be wrong, and what the message says.
final class ModelErrorTests: XCTestCase {
    private func assertThrows(
        _ expected: ModelError, containing fragments: [String], file: StaticString = #filePath, line: UInt = #line,
        _ body: () throws -> Any
    ) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            guard let error = error as? ModelError else { return XCTFail("not a ModelError: \(error)", file: file, line: line) }
            XCTAssertEqual(error, expected, file: file, line: line)
            for fragment in fragments {
                XCTAssertTrue(error.description.contains(fragment), "'\(error.description)' lacks '\(fragment)'", file: file, line: line)
            }
        }
    }

    private let embedding = LayerConfig.embedding(EmbeddingConfig(inputDim: 100, outputDim: 8))

    func testRecurrentLayerAfterARank2OutputSaysToReturnSequences() {
        assertThrows(.incompatibleInput(layer: "lstm_1", kerasClass: "LSTM", expected: LayerConfig.sequenceInput,
                                        found: LayerShape([nil, 16]), from: "lstm"),
                     containing: ["'lstm_1' (LSTM)", "(None, 16)", "return_sequences=True on 'lstm'"]) {
            try SequentialModel(inputLength: 10, layers: [embedding, .recurrent(.lstm(16)), .recurrent(.lstm(8))])
        }
    }

    func testSpatialDropoutOnARank2Input() {
        assertThrows(.incompatibleInput(layer: "spatial_dropout1d", kerasClass: "SpatialDropout1D",
                                        expected: LayerConfig.sequenceInput, found: LayerShape([nil, 4]), from: "bidirectional"),
                     containing: ["spatial_dropout1d", "(None, 4)"]) {
            try SequentialModel(layers: [embedding, .bidirectional(BidirectionalConfig(.gru(2))),
                                         .spatialDropout1D(SpatialDropout1DConfig(0.1))])
        }
    }

    func testEmbeddingMustBeFirstAndOnlyFirst() {
        assertThrows(.firstLayerNotEmbedding(layer: "dense", kerasClass: "Dense"), containing: ["must start with an Embedding"]) {
            try SequentialModel(layers: [.dense(DenseConfig(3))])
        }
        assertThrows(.embeddingNotFirst(layer: "embedding_1", position: 1), containing: ["position 1"]) {
            try SequentialModel(layers: [embedding, embedding])
        }
        assertThrows(.emptyModel, containing: ["no layers"]) { try SequentialModel(layers: []) }
    }

    func testArgumentsOutOfRange() {
        assertThrows(.invalidArgument(layer: "lstm", argument: "units", value: "0", expected: "a positive integer"),
                     containing: ["units=0"]) {
            try SequentialModel(layers: [embedding, .recurrent(.lstm(0))])
        }
        assertThrows(.invalidArgument(layer: "dropout", argument: "rate", value: "1.0", expected: "a rate in [0, 1)"),
                     containing: ["rate=1.0"]) {
            try SequentialModel(layers: [embedding, .dropout(DropoutConfig(1))])
        }
        assertThrows(.invalidArgument(layer: "bidirectional", argument: "recurrent_dropout", value: "-0.1", expected: "a rate in [0, 1)"),
                     containing: ["recurrent_dropout=-0.1"]) {
            try SequentialModel(layers: [embedding, .bidirectional(BidirectionalConfig(.simpleRNN(3, recurrentDropout: -0.1)))])
        }
    }

    func testInputLengthMismatchAndDuplicateNames() {
        assertThrows(.inputLengthMismatch(layer: "embedding", modelLength: 200, layerLength: 100), containing: ["input_length=100", "200"]) {
            try SequentialModel(inputLength: 200, layers: [.embedding(EmbeddingConfig(inputDim: 5, outputDim: 2, inputLength: 100))])
        }
        assertThrows(.duplicateLayerName("head"), containing: ["'head'"]) {
            try SequentialModel(layers: [embedding, .dense(DenseConfig(2, name: "head")), .dense(DenseConfig(1, name: "head"))])
        }
    }

    // MARK: Keras JSON

    private func keras3(_ layers: String, input: String = "[null, 20]") -> String {
        """
        {"module": "keras", "class_name": "Sequential", "config": {"name": "sequential", "layers": [
          {"class_name": "InputLayer", "config": {"batch_shape": \(input), "name": "input_layer"}},
          {"class_name": "Embedding", "config": {"name": "embedding", "input_dim": 10, "output_dim": 4}},
          \(layers)
        ]}}
        """
    }

    func testUnknownLayerClassListsWhatIsSupported() {
        assertThrows(.unknownLayerClass(layer: "conv1d", kerasClass: "Conv1D"),
                     containing: ["unknown layer class 'Conv1D' (layer 'conv1d'); supported: Embedding, SimpleRNN, LSTM, GRU"]) {
            try SequentialModel(kerasJSON: self.keras3(#"{"class_name": "Conv1D", "config": {"name": "conv1d", "filters": 3}}"#))
        }
    }

    func testBadMergeModes() {
        assertThrows(.invalidMergeMode(layer: "bidirectional", value: "max"), containing: ["merge_mode=max", "concat, sum, ave, mul"]) {
            try SequentialModel(kerasJSON: self.keras3(
                #"{"class_name": "Bidirectional", "config": {"name": "bidirectional", "merge_mode": "max", "layer": {"class_name": "LSTM", "config": {"name": "lstm", "units": 2}}}}"#))
        }
        assertThrows(.invalidMergeMode(layer: "bidirectional", value: "None"), containing: ["merge_mode=None"]) {
            try SequentialModel(kerasJSON: self.keras3(
                #"{"class_name": "Bidirectional", "config": {"name": "bidirectional", "merge_mode": null, "layer": {"class_name": "LSTM", "config": {"name": "lstm", "units": 2}}}}"#))
        }
    }

    func testBidirectionalOnlyWrapsRecurrentLayersWithAMirroredBackward() {
        assertThrows(.unsupportedOption(layer: "bidirectional", option: "layer", value: "'Dense'", reason: "Bidirectional wraps SimpleRNN, LSTM or GRU"),
                     containing: ["Bidirectional wraps SimpleRNN, LSTM or GRU"]) {
            try SequentialModel(kerasJSON: self.keras3(
                #"{"class_name": "Bidirectional", "config": {"name": "bidirectional", "layer": {"class_name": "Dense", "config": {"name": "d", "units": 2}}}}"#))
        }
        assertThrows(.unsupportedOption(layer: "bidirectional", option: "backward_layer", value: "'backward_lstm'",
                                        reason: "only a backward layer that mirrors the forward layer with go_backwards flipped"),
                     containing: ["backward_layer"]) {
            try SequentialModel(kerasJSON: self.keras3(
                #"{"class_name": "Bidirectional", "config": {"name": "bidirectional", "layer": {"class_name": "LSTM", "config": {"name": "forward_lstm", "units": 2}}, "backward_layer": {"class_name": "LSTM", "config": {"name": "backward_lstm", "units": 3, "go_backwards": true}}}}"#))
        }
    }

    func testUnsupportedOptionsAreNamed() {
        let cases: [(String, String, String)] = [
            (#"{"class_name": "LSTM", "config": {"name": "lstm", "units": 2, "stateful": true}}"#, "stateful", "true"),
            (#"{"class_name": "GRU", "config": {"name": "gru", "units": 2, "return_state": true}}"#, "return_state", "true"),
            (#"{"class_name": "LSTM", "config": {"name": "lstm", "units": 2, "kernel_regularizer": {"class_name": "L2"}}}"#, "kernel_regularizer", "set"),
            (#"{"class_name": "SimpleRNN", "config": {"name": "simple_rnn", "units": 2, "activation": "selu"}}"#, "activation", "selu"),
            (#"{"class_name": "LSTM", "config": {"name": "lstm", "units": 2, "dtype": {"class_name": "DTypePolicy", "config": {"name": "mixed_float16"}}}}"#, "dtype", "mixed_float16"),
            (#"{"class_name": "Dense", "config": {"name": "dense", "units": 2, "activation": "gelu"}}"#, "activation", "gelu"),
            (#"{"class_name": "Dropout", "config": {"name": "dropout", "rate": 0.1, "noise_shape": [null, 1, 4]}}"#, "noise_shape", "set"),
        ]
        for (layer, option, value) in cases {
            XCTAssertThrowsError(try SequentialModel(kerasJSON: keras3(layer)), option) { error in
                guard case .unsupportedOption(_, let found, let foundValue, _) = error as? ModelError else {
                    return XCTFail("\(option): \(error)")
                }
                XCTAssertEqual(found, option)
                XCTAssertEqual(foundValue, value)
                XCTAssertTrue("\(error)".contains("\(option)=\(value) is not supported"), "\(error)")
            }
        }
    }

    func testKeras2HardSigmoidIsRejectedBecauseItsMathDiffers() {
        let json = """
            {"class_name": "Sequential", "keras_version": "2.2.4", "config": {"name": "s", "layers": [
              {"class_name": "Embedding", "config": {"name": "embedding", "input_dim": 10, "output_dim": 4, "batch_input_shape": [null, 7]}},
              {"class_name": "LSTM", "config": {"name": "lstm", "units": 2, "recurrent_activation": "hard_sigmoid"}}]}}
            """
        assertThrows(.unsupportedOption(layer: "lstm", option: "recurrent_activation", value: "hard_sigmoid",
                                        reason: "Keras 2's hard_sigmoid is clip(0.2·x + 0.5, 0, 1); Recur implements Keras 3's relu6(x + 3) / 6"),
                     containing: ["clip(0.2·x + 0.5, 0, 1)"]) { try SequentialModel(kerasJSON: json) }
    }

    func testMalformedFilesAndOtherModelClasses() {
        assertThrows(.malformedJSON("expected a JSON object at the top level"), containing: ["not a Keras model JSON"]) {
            try SequentialModel(kerasJSON: "[1, 2]")
        }
        XCTAssertThrowsError(try SequentialModel(kerasJSON: "{\"class_name\": ")) { error in
            guard case .malformedJSON = error as? ModelError else { return XCTFail("\(error)") }
        }
        assertThrows(.unsupportedModelClass("Functional"), containing: ["'Functional'", "Sequential"]) {
            try SequentialModel(kerasJSON: #"{"class_name": "Functional", "config": {"layers": []}}"#)
        }
        assertThrows(.missingKey(layer: "lstm", key: "units", expected: "an integer"), containing: ["'units'"]) {
            try SequentialModel(kerasJSON: self.keras3(#"{"class_name": "LSTM", "config": {"name": "lstm", "units": "many"}}"#))
        }
        assertThrows(.missingKey(layer: "dropout", key: "rate", expected: "a number"), containing: ["'rate'"]) {
            try SequentialModel(kerasJSON: self.keras3(#"{"class_name": "Dropout", "config": {"name": "dropout"}}"#))
        }
    }

    func testShapesThatDoNotChainFromJSON() {
        assertThrows(.incompatibleInput(layer: "embedding", kerasClass: "Embedding", expected: "token ids (batch, timesteps)",
                                        found: LayerShape([nil, 20, 3]), from: nil),
                     containing: ["the model input is (None, 20, 3)"]) {
            try SequentialModel(kerasJSON: self.keras3("", input: "[null, 20, 3]").replacingOccurrences(of: "},\n  \n", with: "}\n"))
        }
        assertThrows(.incompatibleInput(layer: "gru", kerasClass: "GRU", expected: LayerConfig.sequenceInput,
                                        found: LayerShape([nil, 2]), from: "lstm"),
                     containing: ["'gru' (GRU)", "return_sequences=True on 'lstm'"]) {
            try SequentialModel(kerasJSON: self.keras3(
                #"{"class_name": "LSTM", "config": {"name": "lstm", "units": 2}}, {"class_name": "GRU", "config": {"name": "gru", "units": 2}}"#))
        }
    }
}
