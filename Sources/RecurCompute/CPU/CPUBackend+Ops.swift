import Glibc

extension CPUBackend {
    func embeddingGather(_ o: EmbeddingGather) {
        let ids = o.tokenIDs.hostPointer, table = o.table.hostPointer, out = o.output.hostPointer
        let e = o.width
        parallelRows(o.time, work: o.time * o.batch * e) { times in
            for t in times {
                for b in 0..<o.batch {
                    let id = Int(ids[b * o.time + t])
                    let dst = out + (t * o.batch + b) * e
                    if id >= 0 && id < o.vocabulary {
                        dst.update(from: table + id * e, count: e)
                    } else {
                        dst.update(repeating: 0, count: e)
                    }
                }
            }
        }
    }

    func fill(_ o: Fill) {
        let x = o.tensor.hostPointer, value = o.value
        parallelRows(o.tensor.count, work: o.tensor.count) { range in (x + range.lowerBound).update(repeating: value, count: range.count) }
    }

    /// Split over the workers like the other element-wise ops; one contiguous run is copied in
    /// pieces of the run, not row by row (stacked-bilstm joins and splits its directions'
    /// 16,384 × 64 sequences four times a step: 0.7–0.9 ms each on one thread).
    func copy2D(_ o: Copy2D) {
        let src = o.source.hostPointer, dst = o.destination.hostPointer, n = o.rows * o.columns
        if o.isOneRun {
            parallelRows(n, work: n) { range in (dst + range.lowerBound).update(from: src + range.lowerBound, count: range.count) }
            return
        }
        parallelRows(o.rows, work: n) { rows in
            for r in rows { (dst + r * o.destinationStride).update(from: src + r * o.sourceStride, count: o.columns) }
        }
    }

    func addBias(_ o: AddBias) {
        let x = o.tensor.hostPointer, bias = o.bias.hostPointer
        parallelRows(o.rows, work: o.rows * o.columns) { rows in
            for r in rows { for c in 0..<o.columns { x[r * o.columns + c] += bias[c] } }
        }
    }

    func activationForward(_ o: ActivationForward) {
        let x = o.input.hostPointer, y = o.output.hostPointer, act = o.activation
        parallelRows(o.input.count, work: o.input.count) { range in for i in range { y[i] = act.apply(x[i]) } }
    }

    func activationBackward(_ o: ActivationBackward) {
        let y = o.output.hostPointer, dy = o.outputGradient.hostPointer, dx = o.inputGradient.hostPointer, act = o.activation
        parallelRows(o.output.count, work: o.output.count) { range in
            for i in range { dx[i] = dy[i] * act.derivative(output: y[i]) }
        }
    }

    func softmax(_ o: Softmax) {
        let x = o.input.hostPointer, y = o.output.hostPointer, n = o.columns
        for r in 0..<o.rows {
            var maximum = -Float.infinity
            for c in 0..<n { maximum = Swift.max(maximum, x[r * n + c]) }
            var sum: Float = 0
            for c in 0..<n { let e = expf(x[r * n + c] - maximum); y[r * n + c] = e; sum += e }
            for c in 0..<n { y[r * n + c] /= sum }
        }
    }

    func multiply(_ o: Multiply) {
        let a = o.a.hostPointer, b = o.b.hostPointer, y = o.output.hostPointer
        parallelRows(o.a.count, work: o.a.count) { range in for i in range { y[i] = a[i] * b[i] } }
    }

    func multiplyBroadcast(_ o: MultiplyBroadcast) {
        let x = o.input.hostPointer, f = o.factor.hostPointer, y = o.output.hostPointer, n = o.factor.count
        parallelRows(o.repeats, work: o.input.count) { rows in
            for r in rows { for i in 0..<n { y[r * n + i] = x[r * n + i] * f[i] } }
        }
    }

    func axpby(_ o: Axpby) {
        let x = o.x.hostPointer, y = o.y.hostPointer, alpha = o.alpha, beta = o.beta
        parallelRows(o.x.count, work: o.x.count) { range in for i in range { y[i] = alpha * x[i] + beta * y[i] } }
    }

    /// Column sums (``ColumnSums``), the columns shared out between the workers.
    func sumRows(_ o: SumRows) {
        let x = UnsafePointer(o.input.hostPointer), y = o.output.hostPointer
        parallelRows(o.columns, work: o.rows * o.columns) { columns in
            ColumnSums.sum(x, rows: o.rows, stride: o.columns, columns: columns, beta: o.beta, into: y)
        }
    }

    func dropoutMask(_ o: DropoutMask) {
        let mask = o.mask.hostPointer
        let keep = 1 / (1 - o.rate)
        let philox = Philox(seed: o.seed)
        let step = o.stepTensor.map { UInt64(UInt32(bitPattern: $0.hostPointer[0])) | UInt64(UInt32(bitPattern: $0.hostPointer[1])) << 32 } ?? o.step
        let uniforms = philox.uniforms(count: o.mask.count, stream: o.stream, step: step)
        for i in 0..<o.mask.count { mask[i] = uniforms[i] >= o.rate ? keep : 0 }
    }

    func loss(_ o: Loss) {
        let b = o.batch, c = o.classes, z = o.predictions.hostPointer
        let grad = o.predictionsGradient?.hostPointer
        var total: Double = 0
        for row in 0..<b {
            let p = z + row * c
            let g = grad.map { $0 + row * c }
            switch (o.loss, o.labels) {
            case (.binaryCrossEntropy, .values(let labels)):
                let y = labels.hostPointer + row * c
                let scale = 1 / Float(b * c)
                for k in 0..<c {
                    let (l, d) = LossMath.binaryCrossEntropy(p[k], label: y[k], input: o.input)
                    total += Double(l) / Double(c)
                    g?[k] = d * scale
                }
            case (.sparseCategoricalCrossEntropy, .indices(let labels)):
                let label = Int(labels.hostPointer[row])
                total += Double(LossMath.categoricalCrossEntropy(p, classes: c, label: { $0 == label ? 1 : 0 },
                                                                 input: o.input, gradient: g, scale: 1 / Float(b)))
            case (.categoricalCrossEntropy, .values(let labels)):
                let y = labels.hostPointer + row * c
                total += Double(LossMath.categoricalCrossEntropy(p, classes: c, label: { y[$0] }, input: o.input,
                                                                 gradient: g, scale: 1 / Float(b)))
            default:
                preconditionFailure("loss: labels kind does not match \(o.loss); validate() rejects this")
            }
        }
        let mean = Float(total / Double(b))
        let value = o.value.hostPointer
        value[0] = o.accumulate ? value[0] + mean : mean
    }

    func accuracyCount(_ o: AccuracyCount) {
        let b = o.batch, c = o.classes, z = o.predictions.hostPointer
        var correct = 0
        for row in 0..<b {
            let p = z + row * c
            switch (o.loss, o.labels) {
            case (.binaryCrossEntropy, .values(let labels)):
                let threshold: Float = o.input == .logits ? 0 : 0.5
                for k in 0..<c where (p[k] > threshold) == (labels.hostPointer[row * c + k] > 0.5) { correct += 1 }
            case (.sparseCategoricalCrossEntropy, .indices(let labels)):
                if LossMath.argmax(p, c) == Int(labels.hostPointer[row]) { correct += 1 }
            case (.categoricalCrossEntropy, .values(let labels)):
                if LossMath.argmax(p, c) == LossMath.argmax(labels.hostPointer + row * c, c) { correct += 1 }
            default:
                preconditionFailure("accuracyCount: labels kind does not match \(o.loss); validate() rejects this")
            }
        }
        o.correct.hostPointer[0] += Float(correct)
    }

    /// The rule is chosen once per tensor, not per element, so each loop is plain arithmetic
    /// over pointers that the compiler vectorizes (the embedding table is most of a step's
    /// parameters).
    func optimizerUpdate(_ o: OptimizerUpdate) {
        let w = o.parameter.hostPointer, g = o.gradient.hostPointer
        let scale = o.gradientScale.map { $0.hostPointer[0] } ?? 1
        let slots = o.slots.map { $0.hostPointer }
        let clip = o.clipValue ?? .infinity
        let step = o.stepSize * (o.stepScale.map { $0.hostPointer[0] } ?? 1)
        @inline(__always) func gradient(_ i: Int) -> Float { Swift.min(Swift.max(g[i] * scale, -clip), clip) }
        parallelRows(o.parameter.count, work: o.parameter.count) { range in
            switch o.rule {
            case let .sgd(momentum, nesterov):
                if momentum == 0 {
                    for i in range { w[i] -= step * gradient(i) }
                    return
                }
                let velocity = slots[0]
                for i in range {
                    let gi = gradient(i)
                    let v = momentum * velocity[i] - step * gi
                    velocity[i] = v
                    w[i] += nesterov ? momentum * v - step * gi : v
                }
            case let .rmsprop(rho, epsilon, momentum):
                let square = slots[0]
                if momentum == 0 {
                    // Eight at a time with the scalar loop's exact operations, as Adam's below.
                    var start = range.lowerBound
                    while start + 8 <= range.upperBound {
                        let gi = VectorMath.clamp(VectorMath.load(g + start) * scale, -clip, clip)
                        let s = rho * VectorMath.load(square + start) + (1 - rho) * gi * gi
                        VectorMath.store(s, square + start)
                        VectorMath.store(VectorMath.load(w + start) - step * gi / VectorMath.squareRoot(s + epsilon), w + start)
                        start += 8
                    }
                    for i in start..<range.upperBound {
                        let gi = gradient(i)
                        let s = rho * square[i] + (1 - rho) * gi * gi
                        square[i] = s
                        w[i] -= step * gi / (s + epsilon).squareRoot()
                    }
                    return
                }
                let moment = slots[1]
                for i in range {
                    let gi = gradient(i)
                    let s = rho * square[i] + (1 - rho) * gi * gi
                    square[i] = s
                    let m = momentum * moment[i] + step * gi / (s + epsilon).squareRoot()
                    moment[i] = m
                    w[i] -= m
                }
            case let .adam(beta1, beta2, epsilon):
                let first = slots[0], second = slots[1]
                // Eight at a time with the scalar loop's exact operations (IEEE sqrt and divide
                // are correctly rounded in either form): the scalar loop does not vectorize
                // (see `VectorMath.squareRoot`).
                typealias V = SIMD8<Float>
                var start = range.lowerBound
                while start + 8 <= range.upperBound {
                    let gi = VectorMath.clamp(VectorMath.load(g + start) * scale, -clip, clip)
                    let m0 = VectorMath.load(first + start), v0 = VectorMath.load(second + start)
                    let m = m0 + (gi - m0) * (1 - beta1)
                    let v = v0 + (gi * gi - v0) * (1 - beta2)
                    VectorMath.store(m, first + start); VectorMath.store(v, second + start)
                    VectorMath.store(VectorMath.load(w + start) - step * m / (VectorMath.squareRoot(v) + epsilon), w + start)
                    start += 8
                }
                for i in start..<range.upperBound {
                    let gi = gradient(i)
                    let m = first[i] + (gi - first[i]) * (1 - beta1)
                    let v = second[i] + (gi * gi - second[i]) * (1 - beta2)
                    first[i] = m; second[i] = v
                    w[i] -= step * m / (v.squareRoot() + epsilon)
                }
            }
        }
    }

    func sumOfSquares(_ o: SumOfSquares) {
        let x = o.tensor.hostPointer
        var sum: Double = 0
        for i in 0..<o.tensor.count { sum += Double(x[i]) * Double(x[i]) }
        let r = o.result.hostPointer
        r[0] = (o.accumulate ? r[0] : 0) + Float(sum)
    }

    func clipScale(_ o: ClipScale) {
        let ss = o.sumOfSquares.hostPointer[0]
        o.scale.hostPointer[0] = ss > 0 ? Swift.min(1, o.clipNorm / ss.squareRoot()) : 1
    }

    func clipByValue(_ o: ClipByValue) {
        let x = o.tensor.hostPointer, limit = o.limit
        for i in 0..<o.tensor.count { x[i] = Swift.min(Swift.max(x[i], -limit), limit) }
    }
}
