import XCTest
@testable import Recur

/// Parameter counts against the numbers the reference documents print.
final class ModelParameterCountTests: XCTestCase {
    func testSeedLayerCountsMatchTheReferenceDocuments() throws {
        let imdb = try ModelPresets.model("simplernn-imdb")
        XCTAssertEqual(imdb.layers.map(\.parameterCount), [320_000, 2_080, 33])
        XCTAssertEqual(imdb.parameterCount, 322_113)

        let lstm = try ModelPresets.model("lstm-imdb")
        XCTAssertEqual(lstm.layers.map(\.parameterCount), [320_000, 8_320, 33])
        XCTAssertEqual(lstm.parameterCount, 328_353)

        let stacked = try ModelPresets.model("stacked-simplernn-4")
        XCTAssertEqual(stacked.layers.map(\.parameterCount), [320_000, 2_080, 2_080, 2_080, 2_080])
        XCTAssertEqual(stacked.parameterCount, 328_320)

        let bidirectional = try ModelPresets.model("bisimplernn")
        XCTAssertEqual(bidirectional.layers.map(\.parameterCount), [320_000, 4_160, 65])
        XCTAssertEqual(bidirectional.parameterCount, 324_225)
    }

    func testPresetTotalsMatchKeras() throws {
        let expected: [String: (total: Int, trainable: Int)] = [
            "simplernn-imdb": (322_113, 322_113),
            "simplernn-dropout": (322_113, 322_113),
            "lstm-imdb": (328_353, 328_353),
            "stacked-simplernn": (1_300_673, 1_300_673),
            "bilstm": (1_378_945, 1_378_945),
            "stacked-bilstm": (751_489, 751_489),
            "bigru-w2v": (6_330_754, 330_754),
        ]
        for (preset, counts) in expected {
            let model = try ModelPresets.model(preset)
            XCTAssertEqual(model.parameterCount, counts.total, preset)
            XCTAssertEqual(model.trainableParameterCount, counts.trainable, preset)
            XCTAssertEqual(model.nonTrainableParameterCount, counts.total - counts.trainable, preset)
        }
    }

    func testGRUResetAfterHasTwoBiasRowsAndResetBeforeHasOne() throws {
        func gruCount(resetAfter: Bool) throws -> Int {
            try SequentialModel(layers: [
                .embedding(EmbeddingConfig(inputDim: 10, outputDim: 300)),
                .recurrent(.gru(128, resetAfter: resetAfter)),
            ]).layers[1].parameterCount
        }
        XCTAssertEqual(try gruCount(resetAfter: true), 3 * 128 * (300 + 128) + 2 * 3 * 128)
        XCTAssertEqual(try gruCount(resetAfter: false), 3 * 128 * (300 + 128) + 3 * 128)
    }

    func testBidirectionalMergeModesChangeWidthNotWeights() throws {
        for mode in MergeMode.allCases {
            let model = try SequentialModel(inputLength: 9, layers: [
                .embedding(EmbeddingConfig(inputDim: 10, outputDim: 8)),
                .bidirectional(BidirectionalConfig(.lstm(16), mergeMode: mode)),
                .dense(DenseConfig(1)),
            ])
            XCTAssertEqual(model.layers[1].parameterCount, 2 * 4 * 16 * (8 + 16 + 1), "\(mode)")
            XCTAssertEqual(model.layers[1].outputShape, LayerShape([nil, mode == .concat ? 32 : 16]), "\(mode)")
        }
    }

    func testUseBiasFalseDropsTheBias() throws {
        let model = try SequentialModel(layers: [
            .embedding(EmbeddingConfig(inputDim: 10, outputDim: 8)),
            .recurrent(.lstm(4, useBias: false)),
            .dense(DenseConfig(3, useBias: false)),
        ])
        XCTAssertEqual(model.layers[1].parameterCount, 4 * 4 * (8 + 4))
        XCTAssertEqual(model.layers[2].parameterCount, 4 * 3)
        XCTAssertEqual(model.parameters.map(\.name), ["embeddings", "kernel", "recurrent_kernel", "kernel"])
    }

    func testDenseAfterReturnSequencesAppliesPerTimestep() throws {
        let model = try SequentialModel(inputLength: 50, layers: [
            .embedding(EmbeddingConfig(inputDim: 100, outputDim: 8)),
            .recurrent(.gru(16, returnSequences: true)),
            .dense(DenseConfig(5, activation: .softmax)),
        ])
        XCTAssertEqual(model.outputShape, LayerShape([nil, 50, 5]))
        XCTAssertEqual(model.layers[2].parameterCount, 16 * 5 + 5)
    }

    func testFrozenRecurrentLayerCountsAsNonTrainable() throws {
        let model = try SequentialModel(layers: [
            .embedding(EmbeddingConfig(inputDim: 10, outputDim: 4)),
            .bidirectional(BidirectionalConfig(.simpleRNN(2), trainable: false)),
        ])
        XCTAssertEqual(model.nonTrainableParameterCount, 2 * (2 * 4 + 2 * 2 + 2))
        XCTAssertTrue(model.layers[1].parameters.allSatisfy { !$0.trainable })
    }

    func testRecurrentConfigMapsToTheComputeCell() {
        let gru = RecurrentConfig.gru(7, resetAfter: false)
        XCTAssertEqual(gru.cell, RecurrentCell(.gru(resetAfter: false), units: 7))
        XCTAssertEqual(RecurrentConfig.lstm(5).cell.gateWidth, 20)
        XCTAssertEqual(DenseActivation.softmax.elementwise, nil)
        XCTAssertEqual(DenseActivation.relu.elementwise, .relu)
    }
}
