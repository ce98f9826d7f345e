import XCTest
import Recur
import RecurCompute
@testable import RecurBenchmark

final class FLOPCountTests: XCTestCase {
    /// simplernn-imdb: Embedding(10000, 32) → SimpleRNN(32) → Dense(1), B 128, T 500, RMSprop,
    /// counted by hand term by term.
    func testSimpleRNNIMDBMatchesAHandCount() throws {
        let count = try BenchmarkCase.preset(.simpleRNNIMDB).flops
        // Forward: x·W over all T·B rows, h·U per step, the cell (3 per element), Dense(32→1).
        XCTAssertEqual(count.inputProjection, 2 * 500 * 128 * 32 * 32)            // 131,072,000
        XCTAssertEqual(count.recurrentForward, 131_072_000)
        XCTAssertEqual(count.cellForward, 500 * 128 * 32 * 3)                      // 6,144,000
        XCTAssertEqual(count.denseForward, 2 * 128 * 32)                           // 8,192
        XCTAssertEqual(count.inference, 268_296_192)
        // Backward: the cell (4), dh·Uᵀ for 499 steps, dW + dU + bias sums + Dense dW + db,
        // dX into the trained embedding and Dense's dX, the embedding scatter-add.
        XCTAssertEqual(count.cellBackward, 8_192_000)
        XCTAssertEqual(count.recurrentBackward, 2 * 499 * 128 * 32 * 32)           // 130,809,856
        XCTAssertEqual(count.weightGradient, 131_072_000 + 131_072_000 + 2_048_000 + 8_192 + 128)
        XCTAssertEqual(count.inputGradient, 131_072_000 + 8_192)
        XCTAssertEqual(count.embeddingGradient, 128 * 500 * 32)                    // 2,048,000
        // RMSprop: 8 FLOPs for each of 320,000 + 2,080 + 33 parameters.
        XCTAssertEqual(count.optimizer, 322_113 * 8)
        XCTAssertEqual(count.training, 807_203_464)
    }

    /// bilstm: Embedding(10000, 128) → Bidirectional(LSTM(64)) → Dropout → Dense(1), B 32,
    /// T 200, Adam: two directions of D 128, H 64, G 4.
    func testBidirectionalLSTMMatchesAHandCount() throws {
        let count = try BenchmarkCase.preset(.bilstm).flops
        XCTAssertEqual(count.inputProjection, 2 * 419_430_400)                     // 2·T·B·D·4H per direction
        XCTAssertEqual(count.recurrentForward, 2 * 209_715_200)
        XCTAssertEqual(count.cellForward, 2 * 6_963_200)                           // 17 per element
        XCTAssertEqual(count.denseForward, 8_192)
        XCTAssertEqual(count.inference, 1_272_225_792)
        XCTAssertEqual(count.cellBackward, 2 * 9_420_800)                          // 23 per element
        XCTAssertEqual(count.recurrentBackward, 2 * 208_666_624)                   // 199 steps
        XCTAssertEqual(count.weightGradient, 2 * (419_430_400 + 209_715_200 + 1_638_400) + 8_192 + 32)
        XCTAssertEqual(count.inputGradient, 2 * 419_430_400 + 8_192)
        XCTAssertEqual(count.embeddingGradient, 819_200)
        // Adam: 12 FLOPs for each of 1,280,000 + 2·49,408 + 129 parameters.
        XCTAssertEqual(count.optimizer, 1_378_945 * 12)
        XCTAssertEqual(count.training, 3_826_212_396)
    }

    /// The analytic GEMM FLOPs are the ones the engine runs: for every preset, the sum over the
    /// executor's GEMM ops (which skips dX over a frozen embedding, and the last step's dh·Uᵀ).
    func testGEMMTermsEqualTheExecutorsGEMMOpsForEveryPreset() throws {
        let (batch, time) = (3, 4)
        for preset in ReferencePreset.allCases {
            let model = try preset.model(maxlen: time)
            let trainer = try Trainer(model: model, configuration: preset.configuration(batchSize: batch), backend: CPUBackend(threads: 1))
            let (executor, _) = try trainer.trainingStep(batch: batch, time: time)
            // Every token distinct: a projection of the distinct tokens has as many rows as one of every occurrence.
            let ids = (1...Int32(batch * time)).map { $0 }
            try executor.upload(tokenIDs: ids, labels: [Float](repeating: 0, count: executor.labelCount))
            let (forward, backward) = (executor.forwardOps, executor.backwardOps)
            func gemmFLOPs(_ ops: [Op]) -> Double {
                ops.flatMap(\.flattened).reduce(0) { total, op in if case .gemm(let g) = op { return total + g.flops }; return total }
            }
            let count = FLOPCount(model: model, batch: batch, time: time, optimizer: preset.optimizer)
            XCTAssertEqual(gemmFLOPs(forward), count.inputProjection + count.recurrentForward + count.denseForward, "\(preset) forward")
            XCTAssertEqual(gemmFLOPs(forward + backward), count.trainingGEMM, "\(preset) training")
        }
    }

    func testAFrozenEmbeddingSkipsTheFirstLayersInputGradient() throws {
        let count = try BenchmarkCase.preset(.bigruW2V).flops
        XCTAssertEqual(count.inputGradient, 2 * 64 * 256 * 2)  // only Dense(256 → 2)'s dX
        XCTAssertEqual(count.embeddingGradient, 0)
    }
}
