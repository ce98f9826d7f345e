import XCTest
@testable import RecurCompute

/// Dense and Bidirectional-merge ops: gradients of `L = Σ G ⊙ output` against central
/// differences on the CPU (Float32, step 1e-3: tolerance 2e-3 absolute + 2e-2 relative), and the
/// same results on OpenCL as on the CPU (1e-5 + 1e-4·|ref|).
final class DenseAndMergeTests: XCTestCase {
    func uniform(_ n: Int, _ stream: UInt32, scale: Float = 1) -> [Float] {
        Philox(seed: 21).uniforms(count: n, stream: stream).map { ($0 * 2 - 1) * scale }
    }

    func numericGradient(of loss: ([Float]) throws -> Double, at values: [Float]) rethrows -> [Double] {
        try values.indices.map { i in
            var plus = values, minus = values
            plus[i] += 1e-3; minus[i] -= 1e-3
            return (try loss(plus) - loss(minus)) / 2e-3
        }
    }

    func assertClose(_ got: [Float], _ want: [Double], _ label: String) {
        XCTAssertEqual(got.count, want.count, label)
        for i in 0..<min(got.count, want.count) {
            XCTAssertEqual(Double(got[i]), want[i], accuracy: 2e-3 + 2e-2 * abs(want[i]), "\(label)[\(i)]")
        }
    }

    func testDenseGradientsMatchFiniteDifferences() throws {
        let cpu = CPUBackend()
        let (rows, d, u) = (5, 4, 3)
        for activation in [Activation.linear, .relu, .tanh, .sigmoid] {
            let dense = DenseProjection(rows: rows, inputWidth: d, units: u, activation: activation)
            let x = uniform(rows * d, 1), w = uniform(d * u, 2, scale: 0.8), b = uniform(u, 3, scale: 0.3), g = uniform(rows * u, 4)
            func loss(_ x: [Float], _ w: [Float], _ b: [Float]) throws -> Double {
                let out = try cpu.zeros(rows * u)
                for op in dense.forward(input: try cpu.tensor(x), kernel: try cpu.tensor(w), bias: try cpu.tensor(b), output: out) { try cpu.run(op) }
                return zip(try cpu.read(out), g).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            }
            let (xt, wt, bt, out) = (try cpu.tensor(x), try cpu.tensor(w), try cpu.tensor(b), try cpu.zeros(rows * u))
            let (dy, dw, db, dx) = (try cpu.tensor(g), try cpu.zeros(d * u), try cpu.zeros(u), try cpu.zeros(rows * d))
            for op in dense.forward(input: xt, kernel: wt, bias: bt, output: out)
                + dense.backward(input: xt, kernel: wt, output: out, outputGradient: dy, kernelGradient: dw, biasGradient: db, inputGradient: dx) {
                try cpu.run(op)
            }
            let label = "Dense \(activation.kerasName)"
            assertClose(try cpu.read(dx), try numericGradient(of: { try loss($0, w, b) }, at: x), "\(label) dx")
            assertClose(try cpu.read(dw), try numericGradient(of: { try loss(x, $0, b) }, at: w), "\(label) dW")
            assertClose(try cpu.read(db), try numericGradient(of: { try loss(x, w, $0) }, at: b), "\(label) db")
        }
    }

    func testBidirectionalMergeGradientsMatchFiniteDifferences() throws {
        let cpu = CPUBackend()
        let (rows, h) = (4, 3)
        for mode in MergeMode.allCases {
            let merge = BidirectionalMerge(mode, rows: rows, width: h)
            let f = uniform(rows * h, 5), b = uniform(rows * h, 6), g = uniform(rows * merge.outputWidth, 7)
            func loss(_ f: [Float], _ b: [Float]) throws -> Double {
                let out = try cpu.zeros(rows * merge.outputWidth)
                for op in merge.forward(forward: try cpu.tensor(f), backward: try cpu.tensor(b), output: out) { try cpu.run(op) }
                return zip(try cpu.read(out), g).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            }
            let (ft, bt, gt) = (try cpu.tensor(f), try cpu.tensor(b), try cpu.tensor(g))
            let (df, db) = (try cpu.zeros(rows * h), try cpu.zeros(rows * h))
            for op in merge.backward(outputGradient: gt, forward: ft, backward: bt, forwardGradient: df, backwardGradient: db) { try cpu.run(op) }
            let forwardGradient = merge.mode == .sum ? try cpu.read(gt) : try cpu.read(df)
            let backwardGradient = merge.gradientIsShared ? forwardGradient : try cpu.read(db)
            assertClose(forwardGradient, try numericGradient(of: { try loss($0, b) }, at: f), "\(mode) forward direction")
            assertClose(backwardGradient, try numericGradient(of: { try loss(f, $0) }, at: b), "\(mode) backward direction")
        }
    }

    func testDenseAndMergeMatchCPUOnOpenCL() throws {
        let opencl = try OpenCLBackend(entry: firstOpenCLDevice())
        var results: [[Float]] = []
        for backend in [CPUBackend() as Backend, opencl] {
            let dense = DenseProjection(rows: 33, inputWidth: 7, units: 5, activation: .tanh)
            let merge = BidirectionalMerge(.concat, rows: 33, width: 5)
            let x = try backend.tensor(uniform(33 * 7, 1)), w = try backend.tensor(uniform(35, 2)), bias = try backend.tensor(uniform(5, 3))
            let y = try backend.zeros(165), y2 = try backend.zeros(165), merged = try backend.zeros(330)
            let dy = try backend.tensor(uniform(165, 4)), dw = try backend.zeros(35), db = try backend.zeros(5), dx = try backend.zeros(33 * 7)
            var plan = Plan()
            try plan.append(contentsOf: dense.forward(input: x, kernel: w, bias: bias, output: y))
            try plan.append(contentsOf: dense.forward(input: x, kernel: w, bias: nil, output: y2))
            try plan.append(contentsOf: merge.forward(forward: y, backward: y2, output: merged))
            try plan.append(contentsOf: dense.backward(input: x, kernel: w, output: y, outputGradient: dy, kernelGradient: dw,
                                                       biasGradient: db, inputGradient: dx))
            try plan.enqueue(on: backend)
            results.append(try backend.read(merged) + backend.read(dw) + backend.read(db) + backend.read(dx))
        }
        for i in results[0].indices {
            XCTAssertEqual(results[1][i], results[0][i], accuracy: 1e-5 + 1e-4 * abs(results[0][i]), "element \(i)")
        }
    }
}
