import Foundation
import XCTest
@testable import RecurCompute

/// The CPU backend's fast paths against the code they replace: the eight-lane activations
/// against libm, the `Float` cell math against the generic ``CellMath`` reference, the tiled
/// recurrent product against a naive one, and the tiled recurrent loop against itself at every
/// thread count (bit for bit) and against its steps run one op at a time.
final class CPUFastPathTests: XCTestCase {
    func testVectorActivationsMatchLibmWithinAFewUlps() {
        var x: Float = -95
        var worst: [String: Double] = ["tanh": 0, "sigmoid": 0, "exp": 0]
        while x < 95 {
            var v = SIMD8<Float>()
            for i in 0..<8 { v[i] = x + Float(i) * 1.7e-4 }
            let t = VectorMath.tanh(v), s = VectorMath.sigmoid(v), e = VectorMath.exp(v)
            for i in 0..<8 {
                let xd = Double(v[i])
                let tanhError = abs(Double(t[i]) - Foundation.tanh(xd))
                let sigmoid = 1 / (1 + Foundation.exp(-xd))
                let sigmoidError = abs(Double(s[i]) - sigmoid) / Swift.max(sigmoid, 1e-30)
                let expError = xd > -87 && xd < 88 ? abs(Double(e[i]) - Foundation.exp(xd)) / Foundation.exp(xd) : 0
                worst["tanh"] = Swift.max(worst["tanh"]!, tanhError)
                worst["sigmoid"] = Swift.max(worst["sigmoid"]!, sigmoidError)
                worst["exp"] = Swift.max(worst["exp"]!, expError)
            }
            x += abs(x) < 12 ? 0.00131 : 0.0517
        }
        // 4 ulp of 1 (absolute for tanh, relative for the others).
        for (name, error) in worst { XCTAssertLessThan(error, 4.8e-7, name) }
        XCTAssertEqual(VectorMath.tanh(SIMD8(repeating: 0.0001))[0], 0.0001)
        XCTAssertLessThan(VectorMath.sigmoid(SIMD8(repeating: -100))[0], 1e-37)
        XCTAssertEqual(VectorMath.sigmoid(SIMD8(repeating: 100))[0], 1)
        let grid = SIMD8<Float>(-4, -3, -0.5, 0, 0.25, 1, 3, 4)
        for activation in [Activation.linear, .relu, .hardSigmoid] {
            let fast = VectorMath.apply(activation, grid)
            for i in 0..<8 {
                XCTAssertEqual(fast[i], activation.apply(grid[i]), "\(activation)")
                XCTAssertEqual(VectorMath.derivative(activation, output: fast)[i], activation.derivative(output: fast[i]), "\(activation)'")
            }
        }
    }

    func testRowGEMMMatchesNaiveProductOnOddShapes() {
        checkRowGEMM(transposedA: false, seed: 21, tolerance: 1e-5, shapes: [
            (1, 1, 1), (3, 7, 5), (4, 16, 32), (7, 33, 9), (9, 48, 3), (5, 8, 1), (6, 100, 17), (8, 16, 4), (14, 40, 6), (32, 64, 33)])
    }

    /// `Aᵀ · B` with A stored `[k, m]`: odd widths (six-, four- and one-row blocks, column tails),
    /// k over several chunks with a partial last one, a padded `lda`, alpha and beta.
    func testRowGEMMTransposedAMatchesNaiveProduct() {
        let chunk = RowGEMM.transposedChunk
        checkRowGEMM(transposedA: true, seed: 23, tolerance: 1e-4, shapes: [
            (1, 1, 1), (32, 128, 3 * chunk + 17), (31, 40, 2 * chunk), (7, 9, chunk - 1), (13, 16, chunk + 1), (128, 24, chunk + 5)])
    }

    /// `C = alpha · op(A) · B + beta · C` against a `Double` reference, with padded strides, for
    /// three (alpha, beta) pairs per shape `(m, n, k)`; A is `[m, k]`, or `[k, m]` when transposed.
    func checkRowGEMM(transposedA: Bool, seed: UInt64, tolerance: Double, shapes: [(Int, Int, Int)]) {
        var random = SplitMix64(seed: seed)
        for (m, n, k) in shapes {
            for (alpha, beta) in [(Float(1), Float(0)), (0.5, 1), (-1, 0.25)] {
                let lda = transposedA ? m + 3 : k + 2, ldb = n + 2, ldc = n + 1
                let a = random.floats((transposedA ? k : m) * lda), b = random.floats(k * ldb)
                var c = random.floats(m * ldc)
                var expected = c
                for r in 0..<m {
                    for j in 0..<n {
                        var sum = 0.0
                        for kk in 0..<k { sum += Double(a[transposedA ? kk * lda + r : r * lda + kk]) * Double(b[kk * ldb + j]) }
                        expected[r * ldc + j] = Float(Double(alpha) * sum + Double(beta) * Double(c[r * ldc + j]))
                    }
                }
                a.withUnsafeBufferPointer { a in
                    b.withUnsafeBufferPointer { b in
                        c.withUnsafeMutableBufferPointer { c in
                            if transposedA {
                                RowGEMM.multiplyTransposedA(m: m, n: n, k: k, alpha: alpha, a: a.baseAddress!, lda: lda, b: b.baseAddress!,
                                                            ldb: ldb, beta: beta, c: c.baseAddress!, ldc: ldc)
                            } else {
                                let packed = UnsafeMutablePointer<Float>.allocate(capacity: RowGEMM.PackedB.count(n: n, k: k))
                                defer { packed.deallocate() }
                                let b = RowGEMM.PackedB.pack(b.baseAddress!, ldb: ldb, transposed: false, n: n, k: k, into: packed)
                                RowGEMM.multiply(rows: 0..<m, alpha: alpha, a: a.baseAddress!, lda: lda, b: b, beta: beta,
                                                 c: c.baseAddress!, ldc: ldc)
                            }
                        }
                    }
                }
                assertClose(c, expected, relative: tolerance, absolute: tolerance,
                            "RowGEMM\(transposedA ? " Aᵀ·B" : "") \(m)x\(n)x\(k) alpha \(alpha) beta \(beta)")
            }
        }
    }

    /// `B` packed from `Bᵀ` (a backward's `dZ · Wᵀ`) is the same panels as packed from `B`, a
    /// padded last panel included, whatever the source's stride.
    func testPackingBFromItsTransposeGivesTheSamePanels() {
        var random = SplitMix64(seed: 24)
        for (n, k) in [(1, 1), (16, 3), (40, 70), (33, 5)] {
            let ldb = n + 3, ldt = k + 2
            let b = random.floats(k * ldb)
            var transposed = [Float](repeating: .nan, count: n * ldt)
            for kk in 0..<k { for j in 0..<n { transposed[j * ldt + kk] = b[kk * ldb + j] } }
            let count = RowGEMM.PackedB.count(n: n, k: k)
            XCTAssertEqual(count, (n + 15) / 16 * 16 * k)
            var fromB = [Float](repeating: .nan, count: count), fromTranspose = [Float](repeating: .nan, count: count)
            b.withUnsafeBufferPointer { b in
                fromB.withUnsafeMutableBufferPointer { out in
                    _ = RowGEMM.PackedB.pack(b.baseAddress!, ldb: ldb, transposed: false, n: n, k: k, into: out.baseAddress!)
                }
            }
            transposed.withUnsafeBufferPointer { t in
                fromTranspose.withUnsafeMutableBufferPointer { out in
                    _ = RowGEMM.PackedB.pack(t.baseAddress!, ldb: ldt, transposed: true, n: n, k: k, into: out.baseAddress!)
                }
            }
            XCTAssertEqual(fromB, fromTranspose, "n \(n) k \(k)")
            // Column j of row kk sits in panel j / 16; the padding is zeros, never left unwritten.
            for kk in 0..<k {
                for j in 0..<((n + 15) / 16 * 16) {
                    XCTAssertEqual(fromB[(j / 16) * 16 * k + kk * 16 + j % 16], j < n ? b[kk * ldb + j] : 0, "n \(n) k \(k) (\(kk), \(j))")
                }
            }
        }
    }

    /// Rows computed in 6-, 4- and 1-row blocks must give the same bits as each row alone: the
    /// CPU backend's results may not depend on how a batch is tiled across threads.
    func testRowGEMMRowDoesNotDependOnItsBlock() {
        var random = SplitMix64(seed: 22)
        let (m, n, k) = (32, 40, 70)
        let a = random.floats(m * k), b = random.floats(k * n), start = random.floats(m * n)
        func product(_ ranges: [Range<Int>]) -> [Float] {
            var c = start
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    c.withUnsafeMutableBufferPointer { c in
                        let packed = UnsafeMutablePointer<Float>.allocate(capacity: RowGEMM.PackedB.count(n: n, k: k))
                        defer { packed.deallocate() }
                        let b = RowGEMM.PackedB.pack(b.baseAddress!, ldb: n, transposed: false, n: n, k: k, into: packed)
                        for rows in ranges {
                            RowGEMM.multiply(rows: rows, alpha: 0.5, a: a.baseAddress!, lda: k, b: b, beta: 1, c: c.baseAddress!, ldc: n)
                        }
                    }
                }
            }
            return c
        }
        let whole = product([0..<m])
        XCTAssertEqual(whole, product((0..<m).map { $0..<($0 + 1) }))
        XCTAssertEqual(whole, product([0..<5, 5..<14, 14..<16, 16..<m]))
        // 7 = 4 + 3, 11 = 4 + 4 + 3, 3, 11: the three-row block in each place.
        XCTAssertEqual(whole, product([0..<7, 7..<18, 18..<21, 21..<m]))
    }

    static let fastCells: [RecurrentCell] = [
        RecurrentCell(.simpleRNN, units: 1), RecurrentCell(.simpleRNN, units: 33, activation: .relu),
        RecurrentCell(.lstm, units: 1), RecurrentCell(.lstm, units: 33), RecurrentCell(.lstm, units: 16, activation: .relu, recurrentActivation: .hardSigmoid),
        RecurrentCell(.gru(resetAfter: true), units: 1), RecurrentCell(.gru(resetAfter: true), units: 33),
        RecurrentCell(.gru(resetAfter: false), units: 9),
    ]

    /// The `Float` fast path and the generic cell math, on the same inputs, with masked rows,
    /// recurrent dropout and output gradients.
    func testFastCellMathMatchesGenericReference() {
        for cell in Self.fastCells {
            for (batch, extras) in [(1, false), (5, true), (6, false)] {
                var random = SplitMix64(seed: UInt64(cell.units * 31 + batch))
                let h = cell.units, g = cell.gateWidth, sw = cell.savedWidth
                let label = "\(cell.kind.name) H=\(h) B=\(batch) \(cell.activation)/\(cell.recurrentActivation) extras=\(extras)"
                let x = random.floats(batch * g, in: -2...2), r = random.floats(batch * g, in: -2...2)
                let bias = random.floats(cell.biasCount), hp = random.floats(batch * h), cp = random.floats(batch * h)
                var mask = [Float](repeating: 1, count: batch)
                if extras { mask[1] = 0; mask[3] = 0 }
                let dropout = random.floats(batch * h, in: 0...1).map { $0 < 0.3 ? 0 : Float(1 / 0.7) }
                // Reset-before GRU: z comes in through the gates buffer.
                let savedIn = random.floats(batch * sw, in: 0.05...0.95)
                func forward(_ fast: Bool) -> [[Float]] {
                    var state = [Float](repeating: 0, count: batch * h), cellState = state, sequence = state, dropped = state
                    var saved = savedIn
                    x.withUnsafeBufferPointer { x in r.withUnsafeBufferPointer { r in bias.withUnsafeBufferPointer { bias in
                    hp.withUnsafeBufferPointer { hp in cp.withUnsafeBufferPointer { cp in mask.withUnsafeBufferPointer { mask in
                    dropout.withUnsafeBufferPointer { dropout in
                    state.withUnsafeMutableBufferPointer { state in cellState.withUnsafeMutableBufferPointer { cellState in
                    sequence.withUnsafeMutableBufferPointer { sequence in dropped.withUnsafeMutableBufferPointer { dropped in
                    saved.withUnsafeMutableBufferPointer { saved in
                        let p = CellMath.ForwardPointers<Float>(
                            projectedInput: x.baseAddress!, projectedState: r.baseAddress!, bias: bias.baseAddress!,
                            previousState: hp.baseAddress!, state: state.baseAddress!,
                            previousCellState: cell.kind == .lstm ? cp.baseAddress! : nil, cellState: cell.kind == .lstm ? cellState.baseAddress! : nil,
                            gates: saved.baseAddress!, mask: extras ? mask.baseAddress! : nil, sequenceOutput: sequence.baseAddress!,
                            recurrentDropoutMask: extras ? dropout.baseAddress! : nil, droppedState: extras ? dropped.baseAddress! : nil)
                        if fast { CellMath.forwardFast(cell, rows: 0..<batch, p) } else { CellMath.forward(cell, rows: 0..<batch, p) }
                    } } } } } } } } } } } }
                    return [state, cellState, sequence, dropped, saved]
                }
                let (want, got) = (forward(false), forward(true))
                for (i, name) in ["state", "cellState", "sequenceOutput", "droppedState", "gates"].enumerated() {
                    assertClose(got[i], want[i], relative: 2e-6, absolute: 2e-6, "\(label) forward \(name)")
                }
                let saved = want[4]
                let carriedIn = random.floats(batch * h), recurrent = random.floats(batch * h), output = random.floats(batch * h)
                let dcIn = random.floats(batch * h)
                func backward(_ fast: Bool) -> [[Float]] {
                    var carried = carriedIn, dc = dcIn
                    var dz = [Float](repeating: 0, count: batch * g), rz = dz
                    saved.withUnsafeBufferPointer { saved in hp.withUnsafeBufferPointer { hp in cp.withUnsafeBufferPointer { cp in
                    mask.withUnsafeBufferPointer { mask in output.withUnsafeBufferPointer { output in
                    recurrent.withUnsafeBufferPointer { recurrent in dropout.withUnsafeBufferPointer { dropout in
                    carried.withUnsafeMutableBufferPointer { carried in dc.withUnsafeMutableBufferPointer { dc in
                    dz.withUnsafeMutableBufferPointer { dz in rz.withUnsafeMutableBufferPointer { rz in
                        let lstm = cell.kind == .lstm
                        let p = CellMath.BackwardPointers<Float>(
                            gates: saved.baseAddress!, previousState: hp.baseAddress!, previousCellState: lstm ? cp.baseAddress! : nil,
                            mask: extras ? mask.baseAddress! : nil, outputGradient: output.baseAddress!,
                            outputGradientOnMaskedRows: batch == 6, recurrentGradient: recurrent.baseAddress!,
                            recurrentDropoutMask: extras ? dropout.baseAddress! : nil, carriedGradient: carried.baseAddress!,
                            cellGradient: lstm ? dc.baseAddress! : nil, gateGradient: dz.baseAddress!,
                            recurrentGateGradient: cell.kind == .gru(resetAfter: true) ? rz.baseAddress! : nil)
                        if fast { CellMath.backwardFast(cell, rows: 0..<batch, p) } else { CellMath.backward(cell, rows: 0..<batch, p) }
                    } } } } } } } } } } }
                    return [carried, dc, dz, rz]
                }
                let (wantBack, gotBack) = (backward(false), backward(true))
                for (i, name) in ["carriedGradient", "cellGradient", "gateGradient", "recurrentGateGradient"].enumerated() {
                    assertClose(gotBack[i], wantBack[i], relative: 2e-6, absolute: 2e-6, "\(label) backward \(name)")
                }
            }
        }
    }

    static let loopShapes: [RecurrentSequence.Shape] = {
        var shapes: [RecurrentSequence.Shape] = []
        let cells = [RecurrentCell(.simpleRNN, units: 5), RecurrentCell(.lstm, units: 33), RecurrentCell(.gru(resetAfter: true), units: 17),
                     RecurrentCell(.gru(resetAfter: false), units: 6), RecurrentCell(.lstm, units: 1)]
        for cell in cells {
            shapes.append(.init(cell: cell, batch: 13, time: 6, inputWidth: 7))
            shapes.append(.init(cell: cell, batch: 9, time: 5, inputWidth: 3, reverse: true, masked: true, recurrentDropout: true))
            shapes.append(.init(cell: cell, batch: 1, time: 3, inputWidth: 2))
        }
        return shapes
    }()

    /// Batch tiles never meet, and every row is computed the same way in any tile: one thread,
    /// two and three give the same bits.
    func testRecurrentLoopGivesIdenticalBitsForAnyThreadCount() throws {
        for shape in Self.loopShapes {
            let label = "\(shape.cell.kind.name) H=\(shape.cell.units) B=\(shape.batch) reverse=\(shape.reverse) masked=\(shape.masked)"
            var reference: [[Float]]?
            for threads in [1, 2, 3] {
                let fixture = try SequenceFixture(shape, backend: CPUBackend(threads: threads), seed: 9)
                let gradients = try fixture.gradients()
                let results = [try fixture.backend.read(fixture.sequence.sequenceOutput)]
                    + SequenceFixture.Parameter.allCases.map { gradients[$0]! }
                if let reference {
                    for (i, values) in results.enumerated() { assertBitwiseEqual(values, reference[i], "\(label) threads=\(threads) result \(i)") }
                } else {
                    reference = results
                }
            }
        }
    }

    /// The loop run as a unit (tiles, ``RowGEMM``) and its steps run one op at a time (OpenBLAS
    /// products) agree to rounding.
    func testRecurrentLoopMatchesItsStepsRunOneByOne() throws {
        for shape in Self.loopShapes {
            let label = "\(shape.cell.kind.name) H=\(shape.cell.units) B=\(shape.batch) reverse=\(shape.reverse) masked=\(shape.masked)"
            var results: [[Float]] = []
            for unrolled in [false, true] {
                let backend = CPUBackend(threads: 2)
                let fixture = try SequenceFixture(shape, backend: backend, seed: 4)
                func run(_ ops: [Op]) throws {
                    for op in ops {
                        if unrolled, case .recurrentLoop(let loop) = op {
                            for step in loop.steps { try backend.run(step) }
                        } else {
                            try backend.run(op)
                        }
                    }
                }
                try run(fixture.sequence.forward())
                try run(fixture.sequence.backward(outputGradient: fixture.outputWeightTensor, finalStateGradient: nil))
                results.append(try backend.read(fixture.sequence.sequenceOutput) + backend.read(fixture.bindings.kernelGradient)
                               + backend.read(fixture.bindings.recurrentKernelGradient) + backend.read(fixture.bindings.inputGradient!))
            }
            assertClose(results[0], results[1], relative: 1e-5, absolute: 1e-5, label)
        }
    }

    func testRecurrentLoopRejectsOpsThatAreNotRowWise() {
        let loop = RecurrentLoop(batch: 2, steps: [.fill(Fill(FloatRef(storage: CPUBackend().scratchStorage(4), count: 4), value: 0))])
        XCTAssertThrowsError(try loop.validate())
    }
}

extension CPUBackend {
    fileprivate func scratchStorage(_ count: Int) -> DeviceStorage { try! allocate(.float32, count: count) }
}
