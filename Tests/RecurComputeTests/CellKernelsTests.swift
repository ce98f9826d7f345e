import XCTest
@testable import RecurCompute

/// The C cell passes (``CellKernels``) against the Swift math they were written from
/// (`VectorMath`, the Swift backward loop), bit for bit: each copy the CPU runs (the baseline
/// always, AVX-512 where the CPU has it), over row widths that take every loop (16 lanes, 8,
/// the tail) and inputs across the clamps and the tanh's small-argument branch.
final class CellKernelsTests: XCTestCase {
    typealias Vector = SIMD8<Float>

    var widths: [CellKernels.Width] { CellKernels.width == .avx512 ? [.baseline, .avx512] : [.baseline] }

    /// Values from every region the math treats apart.
    func inputs(_ count: Int, _ random: inout SplitMix64) -> [Float] {
        let special: [Float] = [-100, -88, -87.5, -20, -9, -7.95, -1, -0.0004, -0.0001, 0, 0.0001, 0.0003, 1, 7.95, 9, 20, 88.5, 100]
        return (0..<count).map { i in i % 3 == 0 ? special[(i / 3) % special.count] : random.floats(1, in: -12...12)[0] }
    }

    /// `f` over `values` eight lanes at a time, the last vector padded with zeros, as the Swift
    /// passes the kernels replaced computed it.
    func lanes(_ values: [Float], _ f: (Vector) -> Vector) -> [Float] {
        var out: [Float] = []
        for start in stride(from: 0, to: values.count, by: 8) {
            var v = Vector()
            for i in start..<min(start + 8, values.count) { v[i - start] = values[i] }
            let y = f(v)
            for i in start..<min(start + 8, values.count) { out.append(y[i - start]) }
        }
        return out
    }

    func testActivationPassesGiveTheSwiftMathsBits() {
        var random = SplitMix64(seed: 7)
        for count in [1, 5, 8, 13, 16, 24, 31, 32, 40, 64, 71] {
            let x = inputs(count, &random), r = random.floats(count, in: -0.5...0.5), bias = random.floats(count, in: -0.1...0.1)
            let sums = zip(zip(x, r), bias).map { ($0.0 + $0.1) + $1 }
            let wantSigmoid = lanes(sums, VectorMath.sigmoid), wantTanh = lanes(sums, VectorMath.tanh)
            for width in widths {
                var sigmoid = [Float](repeating: .nan, count: count), tanh = sigmoid
                CellKernels.activationSum(.sigmoid, x, r, bias, into: &sigmoid, count: count, width: width)
                CellKernels.activationSum(.tanh, x, r, bias, into: &tanh, count: count, width: width)
                assertBitwiseEqual(sigmoid, wantSigmoid, "sigmoid, \(count) values, \(width)")
                assertBitwiseEqual(tanh, wantTanh, "tanh, \(count) values, \(width)")
            }
        }
    }

    func testLSTMRowGivesTheSwiftMathsBits() {
        var random = SplitMix64(seed: 11)
        for h in [1, 7, 8, 16, 24, 32, 33, 64] {
            let x = inputs(4 * h, &random), r = random.floats(4 * h, in: -1...1), bias = random.floats(4 * h, in: -0.2...0.2)
            let cp = random.floats(h, in: -3...3)
            let z = zip(zip(x, r), bias).map { ($0.0 + $0.1) + $1 }
            let i = lanes(Array(z[0..<h]), VectorMath.sigmoid), f = lanes(Array(z[h..<(2 * h)]), VectorMath.sigmoid)
            let g = lanes(Array(z[(2 * h)..<(3 * h)]), VectorMath.tanh), o = lanes(Array(z[(3 * h)...]), VectorMath.sigmoid)
            let c = (0..<h).map { f[$0] * cp[$0] + i[$0] * g[$0] }
            let tc = lanes(c, VectorMath.tanh)
            let state = (0..<h).map { o[$0] * tc[$0] }
            for width in widths {
                var gates = [Float](repeating: .nan, count: 5 * h), cellState = [Float](repeating: .nan, count: h), hn = cellState
                CellKernels.lstmForwardRow(x, r, bias, gates: &gates, units: h, previousCellState: cp, cellState: &cellState,
                                           state: &hn, width: width)
                assertBitwiseEqual(gates, i + f + g + o + tc, "LSTM H=\(h) gates, \(width)")
                assertBitwiseEqual(cellState, c, "LSTM H=\(h) cell state, \(width)")
                assertBitwiseEqual(hn, state, "LSTM H=\(h) state, \(width)")
            }
        }
    }

    func testGRURowGivesTheSwiftMathsBits() {
        var random = SplitMix64(seed: 17)
        for h in [1, 7, 8, 16, 24, 33, 64, 128] {
            for dropout in [false, true] {
                let x = inputs(3 * h, &random), r = random.floats(3 * h, in: -1...1)
                let bx = random.floats(3 * h, in: -0.2...0.2), bh = random.floats(3 * h, in: -0.2...0.2)
                let hp = random.floats(h, in: -1...1)
                let mask = random.floats(h, in: 0...1).map { $0 < 0.3 ? 0 : Float(1 / 0.7) }
                let gateSums = (0..<(2 * h)).map { ((x[$0] + bx[$0]) + r[$0]) + bh[$0] }
                let zr = lanes(gateSums, VectorMath.sigmoid)
                let ph = (0..<h).map { r[2 * h + $0] + bh[2 * h + $0] }
                let hh = lanes((0..<h).map { (x[2 * h + $0] + bx[2 * h + $0]) + zr[h + $0] * ph[$0] }, VectorMath.tanh)
                let state = (0..<h).map { j -> Float in
                    let hbar = dropout ? hp[j] * mask[j] : hp[j]
                    return zr[j] * hbar + (1 - zr[j]) * hh[j]
                }
                for width in widths {
                    var gates = [Float](repeating: .nan, count: 4 * h), hn = [Float](repeating: .nan, count: h)
                    mask.withUnsafeBufferPointer { mask in
                        CellKernels.gruForwardRow(x, bx, r, bh, gates: &gates, units: h, previousState: hp,
                                                  recurrentDropoutMask: dropout ? mask.baseAddress! : nil, state: &hn, width: width)
                    }
                    assertBitwiseEqual(gates, zr + hh + ph, "GRU H=\(h) dropout=\(dropout) gates, \(width)")
                    assertBitwiseEqual(hn, state, "GRU H=\(h) dropout=\(dropout) state, \(width)")
                }
            }
        }
    }

    func testLSTMBackwardRowGivesTheSwiftLoopsBits() {
        var random = SplitMix64(seed: 13)
        for h in [1, 7, 8, 16, 24, 32, 33, 64] {
            for (recurrent, dropout, output) in [(false, false, false), (true, false, true), (true, true, true), (true, true, false)] {
                // Saved gates as the forward leaves them: σ and tanh outputs, tanh(c) after them.
                let saved = random.floats(2 * h, in: 0.01...0.99) + random.floats(h, in: -0.99...0.99)
                    + random.floats(h, in: 0.01...0.99) + random.floats(h, in: -0.99...0.99)
                let carriedIn = random.floats(h, in: -1...1), cp = random.floats(h, in: -3...3), dcIn = random.floats(h, in: -1...1)
                let recurrentGradient = random.floats(h, in: -1...1), outputGradient = random.floats(h, in: -1...1)
                let mask = random.floats(h, in: 0...1).map { $0 < 0.3 ? 0 : Float(1 / 0.7) }
                func run(_ kernel: (CellMath.BackwardRow, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void) -> [[Float]] {
                    var carried = carriedIn, dc = dcIn, dz = [Float](repeating: .nan, count: 4 * h)
                    saved.withUnsafeBufferPointer { saved in recurrentGradient.withUnsafeBufferPointer { rg in
                    mask.withUnsafeBufferPointer { mask in outputGradient.withUnsafeBufferPointer { og in
                    carried.withUnsafeMutableBufferPointer { carried in dz.withUnsafeMutableBufferPointer { dz in
                    dc.withUnsafeMutableBufferPointer { dc in cp.withUnsafeBufferPointer { cp in
                        let row = CellMath.BackwardRow(units: h, saved: saved.baseAddress!, carried: carried.baseAddress!,
                                                       gateGradient: dz.baseAddress!, recurrentDropoutMask: dropout ? mask.baseAddress! : nil,
                                                       recurrentGradient: recurrent ? rg.baseAddress! : nil,
                                                       outputGradient: output ? og.baseAddress! : nil)
                        kernel(row, cp.baseAddress!, dc.baseAddress!)
                    } } } } } } } }
                    return [carried, dc, dz]
                }
                let want = run { CellMath.lstmBackwardRow(.tanh, .sigmoid, $0, previousCellState: $1, cellGradient: $2) }
                for width in widths {
                    let got = run { CellKernels.lstmBackwardRow($0, previousCellState: $1, cellGradient: $2, width: width) }
                    let label = "LSTM backward H=\(h) recurrent=\(recurrent) dropout=\(dropout) output=\(output), \(width)"
                    assertBitwiseEqual(got[0], want[0], label + " carried")
                    assertBitwiseEqual(got[1], want[1], label + " cell gradient")
                    assertBitwiseEqual(got[2], want[2], label + " gate gradient")
                }
            }
        }
    }
}
