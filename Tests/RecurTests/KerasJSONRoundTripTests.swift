import Foundation
import XCTest
@testable import Recur

/// Writing Keras 3 JSON and reading it back.
final class KerasJSONRoundTripTests: XCTestCase {
    func testEveryPresetSurvivesARoundTrip() throws {
        for preset in ModelPresets.names {
            let model = try ModelPresets.model(preset)
            let json = model.kerasJSON()
            XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(json.utf8)), preset)
            XCTAssertEqual(try SequentialModel(kerasJSON: json), model, preset)
        }
    }

    func testNonDefaultOptionsSurviveARoundTrip() throws {
        let model = try SequentialModel(name: "everything", inputLength: 31, layers: [
            .embedding(EmbeddingConfig(inputDim: 77, outputDim: 5, maskZero: true, trainable: false, name: "tokens")),
            .spatialDropout1D(SpatialDropout1DConfig(0.15)),
            .bidirectional(BidirectionalConfig(
                .gru(6, activation: .relu, recurrentActivation: .hardSigmoid, useBias: false, resetAfter: false,
                     returnSequences: true, goBackwards: true, dropout: 0.2, recurrentDropout: 0.3, name: "inner"),
                mergeMode: .mul)),
            .recurrent(.lstm(3, unitForgetBias: false, returnSequences: true)),
            .recurrent(.simpleRNN(2, activation: .linear, trainable: false)),
            .dropout(DropoutConfig(0.5)),
            .dense(DenseConfig(4, activation: .tanh, useBias: false)),
        ])
        let reloaded = try SequentialModel(kerasJSON: model.kerasJSON())
        XCTAssertEqual(reloaded, model)
        XCTAssertEqual(reloaded.summary(), model.summary())
    }

    func testWrittenJSONHasKeras3Structure() throws {
        let json = try ModelPresets.model("bigru-w2v").kerasJSON()
        let top = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        XCTAssertEqual(top["class_name"] as? String, "Sequential")
        XCTAssertEqual(top["module"] as? String, "keras")
        let layers = try XCTUnwrap((top["config"] as? [String: Any])?["layers"] as? [[String: Any]])
        XCTAssertEqual(layers.map { $0["class_name"] as? String }, [
            "InputLayer", "Embedding", "SpatialDropout1D", "Bidirectional", "Dropout", "Dense",
        ])
        let batchShape = try XCTUnwrap((layers[0]["config"] as? [String: Any])?["batch_shape"] as? [Any])
        XCTAssertTrue(batchShape[0] is NSNull)
        XCTAssertEqual(batchShape[1] as? Int, 284)
        let bidirectional = try XCTUnwrap(layers[3]["config"] as? [String: Any])
        let forward = try XCTUnwrap((bidirectional["layer"] as? [String: Any])?["config"] as? [String: Any])
        let backward = try XCTUnwrap((bidirectional["backward_layer"] as? [String: Any])?["config"] as? [String: Any])
        XCTAssertEqual(forward["name"] as? String, "forward_gru")
        XCTAssertEqual(backward["name"] as? String, "backward_gru")
        XCTAssertEqual(backward["go_backwards"] as? Bool, true)
        XCTAssertEqual(forward["reset_after"] as? Bool, true)
    }

    func testJSONStringsAreEscaped() {
        XCTAssertEqual(JSONValue.string("a\"b\\c\n\u{1}").serialized(), #""a\"b\\c\n\u0001""#)
        XCTAssertEqual(JSONValue.object([("x", .array([.null, .int(3), .double(0.2), .bool(false)]))]).serialized(),
                       #"{"x": [null, 3, 0.2, false]}"#)
    }
}
