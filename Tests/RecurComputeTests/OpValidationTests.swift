import XCTest
@testable import RecurCompute

/// `validate()` turns a mis-sized tensor or an out-of-range argument into a ``ComputeError`` whose
/// message names the op, the tensor or argument, and what was expected. Each test first checks
/// that the corrected op validates, so the error really comes from the one thing that is wrong.
final class OpValidationTests: XCTestCase {
    let cpu = CPUBackend()

    func zeros(_ count: Int) -> FloatRef { try! cpu.zeros(count) }

    /// Asserts `op.validate()` throws exactly `expected`, that its message contains each of
    /// `fragments`, and that `Backend.run` refuses the op too.
    func assertRejects(_ op: Op, with expected: ComputeError, mentioning fragments: [String],
                       file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try op.validate(), file: file, line: line) { error in
            guard let error = error as? ComputeError else { return XCTFail("not a ComputeError: \(error)", file: file, line: line) }
            XCTAssertEqual(error, expected, file: file, line: line)
            for fragment in fragments {
                XCTAssertTrue(error.description.contains(fragment), "'\(error.description)' does not mention '\(fragment)'",
                              file: file, line: line)
            }
        }
        XCTAssertThrowsError(try cpu.run(op), "Backend.run must validate before running", file: file, line: line)
    }

    func testGEMMWithTooSmallCNamesCAndTheElementsNeeded() throws {
        // C = A[3, 2] · B[2, 4] needs 12 elements.
        let good = GEMM(m: 3, n: 4, k: 2, a: zeros(6), b: zeros(8), c: zeros(12))
        XCTAssertNoThrow(try good.validate())
        var bad = good
        bad.c = zeros(11)
        assertRejects(.gemm(bad), with: .shapeMismatch(op: "gemm", tensor: "C", expected: "at least 12 elements", found: "11"),
                      mentioning: ["gemm", "'C'", "12", "11"])
        // With ldc = 6 the last row starts at 12: 2·6 + 4 = 16 elements.
        var strided = good
        strided.ldc = 6
        strided.c = zeros(15)
        assertRejects(.gemm(strided), with: .shapeMismatch(op: "gemm", tensor: "C", expected: "at least 16 elements", found: "15"),
                      mentioning: ["'C'", "16"])
    }

    func cellForward(_ cell: RecurrentCell, batch: Int = 2, bias: Int? = nil, withCellState: Bool = true) -> CellForward {
        let b = batch, h = cell.units, g = cell.gateWidth, lstm = cell.kind == .lstm
        return CellForward(cell: cell, batch: b, projectedInput: zeros(b * g), projectedState: zeros(b * g),
                           bias: zeros(bias ?? cell.biasCount), previousState: zeros(b * h), state: zeros(b * h),
                           previousCellState: lstm && withCellState ? zeros(b * h) : nil,
                           cellState: lstm && withCellState ? zeros(b * h) : nil, gates: zeros(b * cell.savedWidth))
    }

    func testCellForwardWithWrongBiasSizeNamesBiasAndItsExpectedCount() {
        let lstm = RecurrentCell(.lstm, units: 3)
        XCTAssertNoThrow(try cellForward(lstm).validate())
        assertRejects(.cellForward(cellForward(lstm, bias: 8)),
                      with: .shapeMismatch(op: "cellForward", tensor: "bias", expected: "12 elements", found: "8"),
                      mentioning: ["cellForward", "'bias'", "12 elements", "8"])
        // A reset-after GRU keeps two bias rows: 2·3·H, not 3·H.
        let gru = RecurrentCell(.gru(resetAfter: true), units: 3)
        XCTAssertNoThrow(try cellForward(gru).validate())
        assertRejects(.cellForward(cellForward(gru, bias: 9)),
                      with: .shapeMismatch(op: "cellForward", tensor: "bias", expected: "18 elements", found: "9"),
                      mentioning: ["'bias'", "18 elements"])
    }

    func testLSTMCellForwardWithoutCellStateSaysItIsRequired() {
        let lstm = RecurrentCell(.lstm, units: 4)
        assertRejects(.cellForward(cellForward(lstm, withCellState: false)),
                      with: .invalidArgument(op: "cellForward", argument: "cellState", reason: "is required for LSTM"),
                      mentioning: ["cellForward", "'cellState'", "LSTM"])
    }

    func testDropoutRateAboveOneIsRejectedWithTheRateAndTheRange() {
        let good = DropoutMask(mask: zeros(8), rate: 0.5, seed: 1, step: 0, stream: 0)
        XCTAssertNoThrow(try good.validate())
        var bad = good
        bad.rate = 1.5
        assertRejects(.dropoutMask(bad), with: .invalidArgument(op: "dropoutMask", argument: "rate", reason: "must be in [0, 1), got 1.5"),
                      mentioning: ["dropoutMask", "'rate'", "[0, 1)", "1.5"])
        bad.rate = 1   // a rate of exactly 1 would divide by zero
        XCTAssertThrowsError(try bad.validate())
    }

    func testBinaryCrossEntropyWithIndexLabelsAsksForValueLabels() throws {
        let values = Loss(.binaryCrossEntropy, input: .logits, batch: 2, classes: 3, predictions: zeros(6),
                          labels: .values(zeros(6)), value: zeros(1))
        XCTAssertNoThrow(try values.validate())
        var bad = values
        bad.labels = .indices(try cpu.intTensor([0, 1]))
        assertRejects(.loss(bad), with: .invalidArgument(op: "loss", argument: "labels", reason: "must be values [B, C] for binaryCrossEntropy"),
                      mentioning: ["loss", "'labels'", "[B, C]", "binaryCrossEntropy"])
    }

    func testWrongSizedLabelsNameTheExpectedCount() {
        let bad = Loss(.categoricalCrossEntropy, input: .logits, batch: 2, classes: 3, predictions: zeros(6),
                       labels: .values(zeros(5)), value: zeros(1))
        assertRejects(.loss(bad), with: .shapeMismatch(op: "loss", tensor: "labels", expected: "6 elements", found: "5"),
                      mentioning: ["'labels'", "6 elements", "5"])
    }
}
