import XCTest
import Foundation
@testable import RecurCompute

/// The CPU backend's losses, accuracy counts, optimizer updates and gradient-clipping reductions
/// against the Keras 3 formulas, written out here in Double. (Split from ``CPUOpsTests`` to keep
/// each file readable.)
final class CPULossAndOptimizerTests: XCTestCase {
    var cpu: CPUBackend!
    var rng = SplitMix64(seed: 777)

    override func setUp() { cpu = CPUBackend() }

    // MARK: losses

    /// Mean cross-entropy of `predictions` `[B, C]` as Keras 3 defines it, computed naively in
    /// Double (fine for the moderate values used here): binary averages over the C outputs too;
    /// categorical from probabilities first renormalizes each row.
    static func referenceLoss(_ kind: LossKind, _ input: LossInput, predictions p: [Double], labels y: [Double],
                              batch: Int, classes: Int) -> Double {
        var total = 0.0
        for r in 0..<batch {
            let row = Array(p[r * classes..<(r + 1) * classes]), target = Array(y[r * classes..<(r + 1) * classes])
            switch kind {
            case .binaryCrossEntropy:
                for k in 0..<classes {
                    let q = input == .logits ? 1 / (1 + Foundation.exp(-row[k])) : row[k]
                    total -= (target[k] * Foundation.log(q) + (1 - target[k]) * Foundation.log(1 - q)) / Double(classes)
                }
            case .categoricalCrossEntropy, .sparseCategoricalCrossEntropy:
                let q: [Double]
                if input == .logits {
                    let sum = row.map { Foundation.exp($0) }.reduce(0, +)
                    q = row.map { Foundation.exp($0) / sum }
                } else {
                    let sum = row.reduce(0, +)
                    q = row.map { $0 / sum }
                }
                for k in 0..<classes { total -= target[k] * Foundation.log(q[k]) }
            }
        }
        return total / Double(batch)
    }

    struct LossCase {
        var kind: LossKind, input: LossInput, batch: Int, classes: Int
        var predictions: [Float], labels: [Float], indices: [Int32]
    }

    func makeLossCase(_ kind: LossKind, _ input: LossInput) -> LossCase {
        let b = 4, c = kind == .binaryCrossEntropy ? 3 : 5
        var predictions: [Float]
        switch (kind, input) {
        case (_, .logits): predictions = rng.floats(b * c, in: -3...3)
        case (.binaryCrossEntropy, .probabilities): predictions = rng.floats(b * c, in: 0.05...0.95)
        default: predictions = rng.floats(b * c, in: 0.1...1)   // unnormalized on purpose: rows are renormalized
        }
        var labels = [Float](repeating: 0, count: b * c), indices = [Int32]()
        switch kind {
        case .binaryCrossEntropy:
            labels = (0..<b * c).map { _ in Float(Int.random(in: 0...1, using: &rng)) }
            labels[1] = 0.3   // a soft label
        case .sparseCategoricalCrossEntropy:
            indices = rng.ints(b, in: 0...Int32(c - 1))
            for (r, i) in indices.enumerated() { labels[r * c + Int(i)] = 1 }
        case .categoricalCrossEntropy:
            for r in 0..<b { labels[r * c + (r * 2) % c] = 1 }
            for k in 0..<c { labels[k] = [0.1, 0.2, 0.3, 0.25, 0.15][k] }   // row 0: soft labels summing to 1
        }
        return LossCase(kind: kind, input: input, batch: b, classes: c, predictions: predictions, labels: labels, indices: indices)
    }

    func runLoss(_ l: LossCase, predictions: [Float]? = nil, initialValue: Float = .nan, accumulate: Bool = false) throws -> (Float, [Float]) {
        let value = try cpu.tensor([initialValue]), gradient = try cpu.zeros(l.batch * l.classes)
        let labels: LossLabels = l.kind == .sparseCategoricalCrossEntropy ? .indices(try cpu.intTensor(l.indices)) : .values(try cpu.tensor(l.labels))
        try cpu.run(.loss(Loss(l.kind, input: l.input, batch: l.batch, classes: l.classes,
                               predictions: cpu.tensor(predictions ?? l.predictions), labels: labels, value: value,
                               accumulate: accumulate, predictionsGradient: gradient)))
        return (try cpu.read(value)[0], try cpu.read(gradient))
    }

    func testEveryLossMatchesItsFormulaAndItsGradientMatchesFiniteDifferences() throws {
        for kind in LossKind.allCases {
            for input in [LossInput.logits, .probabilities] {
                let l = makeLossCase(kind, input)
                let (value, gradient) = try runLoss(l)
                let p = l.predictions.map(Double.init), y = l.labels.map(Double.init)
                let f = { (p: [Double]) in Self.referenceLoss(kind, input, predictions: p, labels: y, batch: l.batch, classes: l.classes) }
                // Float32 sums of ≤ 20 O(1) terms: relative 1e-5.
                XCTAssertEqual(Double(value), f(p), accuracy: 1e-5 * max(1, abs(f(p))), "\(kind) from \(input): value")
                // Double central differences (h = 1e-6, error ≈ 1e-9) against Float32 gradients of size ~0.05.
                assertClose(gradient, centralDifferences(at: p, step: 1e-6, f).map { Float($0) },
                            relative: 1e-4, absolute: 1e-6, "\(kind) from \(input): gradient")
            }
        }
    }

    func testLossAccumulatesOntoThePreviousValueWhenAsked() throws {
        let l = makeLossCase(.categoricalCrossEntropy, .logits)
        let (mean, _) = try runLoss(l, initialValue: 0)
        let (accumulated, _) = try runLoss(l, initialValue: 1.5, accumulate: true)
        XCTAssertEqual(accumulated, 1.5 + mean, accuracy: 1e-6)
        let (overwritten, _) = try runLoss(l, initialValue: 1.5, accumulate: false)
        XCTAssertEqual(overwritten, mean)
    }

    func testProbabilityLossesClipToEpsilonInsteadOfReturningInfinity() throws {
        // p = 0 with label 1: the term is −log(ε), ε = 1e-7 ⇒ 16.118.
        let zero = LossCase(kind: .binaryCrossEntropy, input: .probabilities, batch: 1, classes: 2,
                            predictions: [0, 0], labels: [1, 1], indices: [])
        let (value, gradient) = try runLoss(zero)
        XCTAssertEqual(Double(value), -Foundation.log(1e-7), accuracy: 1e-3)
        XCTAssertTrue(gradient.allSatisfy(\.isFinite), "gradient \(gradient)")
        // p = 1 with label 0: −log(1 − (1 − ε)), where Float32 rounds 1 − ε to 1 − 1.19e-7 ⇒ 15.94.
        let one = LossCase(kind: .binaryCrossEntropy, input: .probabilities, batch: 1, classes: 1,
                           predictions: [1], labels: [0], indices: [])
        XCTAssertEqual(Double(try runLoss(one).0), -Foundation.log(Double(Float(1) - (1 - Float(1e-7)))), accuracy: 1e-3)
        // Categorical: q = [0, 0.5, 0.5] with labels [0.5, 0.5, 0]; loss −0.5·log ε − 0.5·log 0.5 = 8.4057.
        // Keras's clip passes no gradient for the clipped q₀, so dL/dp_k = (Σ_{unclipped j} y_j)/Σp − y_k/p_k
        // (the second term only when q_k is unclipped): [0.5, 0.5 − 1, 0.5], not −∞ for p₀.
        let categorical = LossCase(kind: .categoricalCrossEntropy, input: .probabilities, batch: 1, classes: 3,
                                   predictions: [0, 0.5, 0.5], labels: [0.5, 0.5, 0], indices: [])
        let (categoricalValue, categoricalGradient) = try runLoss(categorical)
        XCTAssertEqual(Double(categoricalValue), -0.5 * Foundation.log(1e-7) - 0.5 * Foundation.log(0.5), accuracy: 1e-4)
        assertClose(categoricalGradient, [0.5, -0.5, 0.5], relative: 1e-6, absolute: 1e-7, "clipped categorical gradient")
        let logits = LossCase(kind: .binaryCrossEntropy, input: .logits, batch: 1, classes: 2,
                              predictions: [-200, 200], labels: [1, 0], indices: [])
        XCTAssertEqual(try runLoss(logits).0, 200, accuracy: 1e-3, "logits path is exact, not clipped")
    }

    // MARK: accuracy

    func accuracy(_ kind: LossKind, _ input: LossInput, batch: Int, classes: Int, predictions: [Float],
                  labels: [Float] = [], indices: [Int32] = [], start: Float = 10) throws -> Float {
        let correct = try cpu.tensor([start])
        let l: LossLabels = kind == .sparseCategoricalCrossEntropy ? .indices(try cpu.intTensor(indices)) : .values(try cpu.tensor(labels))
        try cpu.run(.accuracyCount(AccuracyCount(kind, input: input, batch: batch, classes: classes,
                                                 predictions: cpu.tensor(predictions), labels: l, correct: correct)))
        return try cpu.read(correct)[0] - start
    }

    func testAccuracyCountAddsTheNumberOfCorrectPredictions() throws {
        // Binary, per output: logit > 0 (probability > 0.5) against label > 0.5.
        XCTAssertEqual(try accuracy(.binaryCrossEntropy, .logits, batch: 2, classes: 2,
                                    predictions: [0.3, -0.2, -1, 2], labels: [1, 0, 1, 1]), 3)
        XCTAssertEqual(try accuracy(.binaryCrossEntropy, .probabilities, batch: 2, classes: 2,
                                    predictions: [0.6, 0.4, 0.3, 0.45], labels: [1, 1, 0, 0]), 3)
        // Sparse: argmax (first of equal maxima) against the index.
        XCTAssertEqual(try accuracy(.sparseCategoricalCrossEntropy, .logits, batch: 3, classes: 3,
                                    predictions: [0.1, 0.9, 0.2,  2, 2, 1,  0, 0, 5], indices: [1, 1, 2]), 2)
        // Categorical: argmax against the labels' argmax.
        XCTAssertEqual(try accuracy(.categoricalCrossEntropy, .probabilities, batch: 2, classes: 3,
                                    predictions: [0.2, 0.5, 0.3,  0.6, 0.3, 0.1], labels: [0, 1, 0,  0, 0.2, 0.8]), 1)
    }

    // MARK: optimizers

    /// Runs `steps` updates of `rule` on one parameter tensor, a new gradient each step, and the
    /// same updates in Double with the Keras 3 formulas; compares weights and slots.
    func checkOptimizer(_ rule: OptimizerRule, learningRate: Float, steps: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        // Two vectors of eight for the CPU's SIMD loop and a tail for its scalar one.
        let n = 21
        let w0 = rng.floats(n)
        let gradients = (0..<steps).map { _ in rng.floats(n) }
        let parameter = try cpu.tensor(w0), gradient = try cpu.zeros(n)
        let slots = try (0..<rule.slotCount).map { _ in try cpu.zeros(n) }
        var w = w0.map(Double.init), s0 = [Double](repeating: 0, count: n), s1 = s0
        let lr = Double(learningRate)
        for t in 1...steps {
            try cpu.write(gradients[t - 1], to: gradient)
            try cpu.run(.optimizerUpdate(OptimizerUpdate(rule: rule, parameter: parameter, gradient: gradient, slots: slots,
                                                         stepSize: rule.stepSize(learningRate: learningRate, step: t))))
            for i in 0..<n {
                let g = Double(gradients[t - 1][i])
                switch rule {
                case let .sgd(momentum, nesterov):
                    let mu = Double(momentum)
                    if mu == 0 { w[i] -= lr * g; continue }
                    s0[i] = mu * s0[i] - lr * g
                    w[i] += nesterov ? mu * s0[i] - lr * g : s0[i]
                case let .rmsprop(rho, epsilon, momentum):
                    s0[i] = Double(rho) * s0[i] + (1 - Double(rho)) * g * g
                    let increment = lr * g / (s0[i] + Double(epsilon)).squareRoot()
                    if momentum == 0 { w[i] -= increment; continue }
                    s1[i] = Double(momentum) * s1[i] + increment
                    w[i] -= s1[i]
                case let .adam(beta1, beta2, epsilon):
                    let b1 = Double(beta1), b2 = Double(beta2)
                    let alpha = lr * (1 - pow(b2, Double(t))).squareRoot() / (1 - pow(b1, Double(t)))
                    s0[i] += (g - s0[i]) * (1 - b1)
                    s1[i] += (g * g - s1[i]) * (1 - b2)
                    w[i] -= alpha * s0[i] / (s1[i].squareRoot() + Double(epsilon))
                }
            }
        }
        // Weights are O(1) and move by O(lr) per step; Float32 keeps ~7 digits of them.
        assertClose(try cpu.read(parameter), w.map { Float($0) }, relative: 1e-6, absolute: 1e-6, "\(rule) weights", file: file, line: line)
        for (k, reference) in [s0, s1].prefix(rule.slotCount).enumerated() {
            assertClose(try cpu.read(slots[k]), reference.map { Float($0) }, relative: 1e-5, absolute: 1e-7,
                        "\(rule) slot \(k)", file: file, line: line)
        }
    }

    func testSGDPlainMomentumAndNesterovMatchKeras() throws {
        try checkOptimizer(.sgd(), learningRate: 0.1, steps: 2)
        try checkOptimizer(.sgd(momentum: 0.9), learningRate: 0.1, steps: 3)
        try checkOptimizer(.sgd(momentum: 0.9, nesterov: true), learningRate: 0.1, steps: 3)
    }

    func testRMSpropWithAndWithoutMomentumMatchesKeras() throws {
        try checkOptimizer(.rmsprop(), learningRate: 0.01, steps: 3)
        try checkOptimizer(.rmsprop(rho: 0.8, epsilon: 1e-7, momentum: 0.5), learningRate: 0.01, steps: 3)
    }

    func testAdamOverThreeStepsMatchesKeras() throws {
        try checkOptimizer(.adam(), learningRate: 0.05, steps: 3)
    }

    func testAdamStepSizeIsTheBiasCorrectedLearningRate() {
        // α_t = lr·sqrt(1 − β₂ᵗ)/(1 − β₁ᵗ), with β cast to float32 first as Keras 3 does
        // (`ops.cast(self.beta_2, variable.dtype)`): 1 − Float(0.999) = 0.00099998713, not 0.001, so
        // t = 1 gives 3.1622566e-4 rather than 3.1622777e-4 — a 7e-6 relative difference this
        // test resolves (tolerance 1e-6 relative).
        let adam = OptimizerRule.adam()
        let beta1 = Double(Float(0.9)), beta2 = Double(Float(0.999))
        XCTAssertEqual(adam.stepSize(learningRate: 1e-3, step: 1), 3.1622566e-4, accuracy: 3e-10)
        for t in 1...5 {
            let expected = Double(Float(1e-3)) * (1 - pow(beta2, Double(t))).squareRoot() / (1 - pow(beta1, Double(t)))
            XCTAssertEqual(Double(adam.stepSize(learningRate: 1e-3, step: t)), expected, accuracy: expected * 1e-6, "t = \(t)")
        }
        XCTAssertEqual(OptimizerRule.sgd().stepSize(learningRate: 0.3, step: 9), 0.3)
        XCTAssertEqual(OptimizerRule.rmsprop().stepSize(learningRate: 0.3, step: 9), 0.3)
    }

    func testGradientIsScaledThenClippedByValue() throws {
        // scale 0.5, clip 0.3: g = 0.4 → 0.2 (scale first; clipping first would give 0.15),
        // g = 1 → 0.5 → 0.3, g = −2 → −1 → −0.3.
        let parameter = try cpu.tensor([0, 0, 0]), scale = try cpu.tensor([0.5])
        try cpu.run(.optimizerUpdate(OptimizerUpdate(rule: .sgd(), parameter: parameter, gradient: cpu.tensor([0.4, 1, -2]),
                                                     slots: [], stepSize: 1, gradientScale: scale, clipValue: 0.3)))
        assertClose(try cpu.read(parameter), [-0.2, -0.3, 0.3], relative: 1e-6, absolute: 1e-7, "w − clip(scale·g)")
    }

    // MARK: reductions and clipping

    func testSumOfSquaresOverwritesOrAccumulates() throws {
        let x = rng.floats(11), expected = x.map { Double($0) * Double($0) }.reduce(0, +)
        let result = try cpu.tensor([123])
        try cpu.run(.sumOfSquares(SumOfSquares(try cpu.tensor(x), result: result, accumulate: false)))
        XCTAssertEqual(Double(try cpu.read(result)[0]), expected, accuracy: 1e-6 * expected)
        try cpu.run(.sumOfSquares(SumOfSquares(try cpu.tensor([3, 4]), result: result, accumulate: true)))
        XCTAssertEqual(Double(try cpu.read(result)[0]), expected + 25, accuracy: 1e-6 * (expected + 25))
    }

    func testClipScaleIsMinOfOneAndClipNormOverNorm() throws {
        // (sum of squares, clipNorm, expected scale): norm 5 > 1 → 0.2; norm 0.5 < 1 → 1;
        // norm exactly at the limit → 1; zero norm → 1 (no division by zero).
        for (ss, clipNorm, expected) in [(Float(25), Float(1), Float(0.2)), (0.25, 1, 1), (25, 5, 1), (0, 1, 1)] {
            let scale = try cpu.tensor([-1])
            try cpu.run(.clipScale(ClipScale(sumOfSquares: try cpu.tensor([ss]), clipNorm: clipNorm, scale: scale)))
            XCTAssertEqual(try cpu.read(scale)[0], expected, accuracy: 1e-7, "sumOfSquares \(ss), clipNorm \(clipNorm)")
        }
    }

    func testClipByValueClampsInPlace() throws {
        let x = try cpu.tensor([-3, -0.5, 0, 0.5, 3, 1])
        try cpu.run(.clipByValue(ClipByValue(x, limit: 1)))
        XCTAssertEqual(try cpu.read(x), [-1, -0.5, 0, 0.5, 1, 1])
    }

    func testGlobalNormClippingChainsSumOfSquaresClipScaleAndTheUpdate() throws {
        // Two gradient tensors with global norm sqrt(9 + 16 + 144) = 13, clipnorm 6.5 ⇒ scale 0.5.
        let g1 = try cpu.tensor([3, 4]), g2 = try cpu.tensor([12]), ss = try cpu.zeros(1), scale = try cpu.zeros(1)
        try cpu.run(.sumOfSquares(SumOfSquares(g1, result: ss, accumulate: false)))
        try cpu.run(.sumOfSquares(SumOfSquares(g2, result: ss, accumulate: true)))
        try cpu.run(.clipScale(ClipScale(sumOfSquares: ss, clipNorm: 6.5, scale: scale)))
        let w = try cpu.tensor([1, 1])
        try cpu.run(.optimizerUpdate(OptimizerUpdate(rule: .sgd(), parameter: w, gradient: g1, slots: [], stepSize: 0.1, gradientScale: scale)))
        assertClose(try cpu.read(w), [1 - 0.15, 1 - 0.2], relative: 1e-6, absolute: 1e-7, "w − lr·0.5·g")
    }
}
