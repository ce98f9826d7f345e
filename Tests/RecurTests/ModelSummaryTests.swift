import XCTest
@testable import Recur

/// `summary()` against the text Keras prints.
final class ModelSummaryTests: XCTestCase {
    func testPresetSummariesMatchKeras3Exactly() throws {
        for preset in ModelPresets.names {
            let model = try ModelPresets.model(preset)
            XCTAssertEqual(model.summary(), KerasModelGoldens.all[preset]?.keras3Summary, preset)
        }
    }

    func testLongNamesWrapAndCutAsRichDoes() throws {
        let model = try SequentialModel(name: "my model", inputLength: 7, layers: [
            .embedding(EmbeddingConfig(inputDim: 10, outputDim: 4, name: "an_extremely_long_embedding_layer_name_here")),
            .recurrent(.lstm(3, name: "short name with spaces that wraps around")),
            .dense(DenseConfig(1)),
        ])
        XCTAssertEqual(model.summary(style: .keras3(lineLength: 88)), KerasModelGoldens.longNames88)
        XCTAssertEqual(model.summary(style: .keras3(lineLength: 60)), KerasModelGoldens.longNames60)
    }

    /// Document 002 prints these tables (tf.keras 2, session-numbered names).
    func testKeras2SummaryReproducesDocument002() throws {
        let model = try SequentialModel(name: "sequential_1", layers: [
            .embedding(EmbeddingConfig(inputDim: 10000, outputDim: 32, name: "embedding_1")),
            .recurrent(.simpleRNN(32, name: "simple_rnn_1")),
            .dense(DenseConfig(1, activation: .sigmoid, name: "dense_1")),
        ])
        XCTAssertEqual(model.summary(style: .keras2), """
            Model: "sequential_1"
            _________________________________________________________________
            Layer (type)                 Output Shape              Param #   
            =================================================================
            embedding_1 (Embedding)      (None, None, 32)          320000    
            _________________________________________________________________
            simple_rnn_1 (SimpleRNN)     (None, 32)                2080      
            _________________________________________________________________
            dense_1 (Dense)              (None, 1)                 33        
            =================================================================
            Total params: 322,113
            Trainable params: 322,113
            Non-trainable params: 0
            _________________________________________________________________
            """)

        let bidirectional = try SequentialModel(name: "sequential_3", layers: [
            .embedding(EmbeddingConfig(inputDim: 10000, outputDim: 32, name: "embedding_3")),
            .bidirectional(BidirectionalConfig(.simpleRNN(32))),
            .dense(DenseConfig(1, activation: .sigmoid, name: "dense_2")),
        ])
        XCTAssertEqual(bidirectional.summary(style: .keras2), """
            Model: "sequential_3"
            _________________________________________________________________
            Layer (type)                 Output Shape              Param #   
            =================================================================
            embedding_3 (Embedding)      (None, None, 32)          320000    
            _________________________________________________________________
            bidirectional (Bidirectional (None, 64)                4160      
            _________________________________________________________________
            dense_2 (Dense)              (None, 1)                 65        
            =================================================================
            Total params: 324,225
            Trainable params: 324,225
            Non-trainable params: 0
            _________________________________________________________________
            """)

        let lstm = try SequentialModel(name: "sequential_5", layers: [
            .embedding(EmbeddingConfig(inputDim: 10000, outputDim: 32, name: "embedding_5")),
            .recurrent(.lstm(32)),
            .dense(DenseConfig(1, activation: .sigmoid, name: "dense_4")),
        ])
        XCTAssertTrue(lstm.summary(style: .keras2).contains("lstm (LSTM)                  (None, 32)                8320      \n"))
        XCTAssertTrue(lstm.summary(style: .keras2).contains("Total params: 328,353\n"))
    }

    func testMemorySizesFollowKerasUnits() {
        XCTAssertEqual(SummaryFormat.memorySize(bytes: 0), "0.00 B")
        XCTAssertEqual(SummaryFormat.memorySize(bytes: 560), "560.00 B")
        XCTAssertEqual(SummaryFormat.memorySize(bytes: 322_113 * 4), "1.23 MB")
        XCTAssertEqual(SummaryFormat.grouped(6_330_754), "6,330,754")
        XCTAssertEqual(SummaryFormat.grouped(33), "33")
    }
}
