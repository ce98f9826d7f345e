extension ModelExecutor {
    /// A layer's backward: given the gradient of its output, append the ops that form its
    /// weights' gradients and (when `inputGradient` is given) the gradient of its input.
    typealias BackwardEmitter = (_ inputGradient: FloatRef?) throws -> Plan

    func buildOps() throws {
        var forward = Plan()
        var backwardEmitters: [BackwardEmitter] = []
        var current: LayerOutput? = nil
        var streams: UInt32 = 0
        func nextStream() -> UInt32 { streams += 1; return streams }
        for step in steps {
            let (plan, output, backward) = try emit(step, input: current, nextStream: nextStream)
            forward.append(plan)
            backwardEmitters.append(backward)
            current = output
        }
        guard case .tensor(let logits)? = current else { throw ExecutionError.unsupported(layer: model.name, reason: "the model has no layers") }
        let (b, classes) = (options.batch, model.outputShape.features ?? 1)
        switch head.finalActivation {
        case .sigmoid?: try forward.append(.activationForward(ActivationForward(.sigmoid, input: logits, output: predictions)))
        case .softmax?: try forward.append(.softmax(Softmax(rows: b, columns: classes, input: logits, output: predictions)))
        default: try forward.append(.copy2D(Copy2D(logits, to: predictions)))
        }
        plannedForward = forward
        let lossInput = head.input == .logits ? logits : predictions
        let accuracy: [Op] = [.fill(Fill(correctCount, value: 0)),
                              .accuracyCount(AccuracyCount(head.loss, input: head.input, batch: b, classes: classes, predictions: lossInput,
                                                           labels: labels, correct: correctCount))]
        guard options.training else {
            metricOps = [.loss(Loss(head.loss, input: head.input, batch: b, classes: classes, predictions: lossInput, labels: labels,
                                    value: lossValue))] + accuracy
            return
        }
        let lastGradient = arena["\(steps.last!.name).outgrad"]
        var backward = try Plan(accuracy + [.loss(Loss(head.loss, input: head.input, batch: b, classes: classes, predictions: lossInput,
                                                       labels: labels, value: lossValue, predictionsGradient: lastGradient))])
        for (step, emitter) in zip(steps, backwardEmitters).reversed() {
            backward.append(try emitter(inputGradientTarget(of: step)))
        }
        plannedBackward = backward
    }

    func gradientIfTrained(_ path: String) -> FloatRef? { options.training ? parameters.gradient(path) : nil }

    /// Where `step` puts the gradient of its input: the output gradient of the layer below, or nil
    /// when nothing below trains. Then no layer forms an input gradient nobody reads — not the
    /// recurrent layer over a frozen embedding, nor a dropout between them (bigru-w2v's
    /// SpatialDropout1D passed a 5.5 M-element one down to its frozen table every step).
    func inputGradientTarget(of step: LayerStep) -> FloatRef? {
        step.index > 0 && step.trainedBelow ? outputGradient(of: steps[step.index - 1]) : nil
    }

    /// Where the layer above puts the gradient of `step`'s output: training only, and only for a
    /// layer that forms an output (one that hands on its directions' outputs takes their
    /// gradients in their own buffers: ``recurrentInput(of:input:)``).
    func outputGradient(of step: LayerStep) -> FloatRef? {
        options.training && !step.feedsTokenProjection && !step.handsOnHalves ? arena["\(step.name).outgrad"] : nil
    }

    /// A Bidirectional layer's two directions' output gradients (training only): what its merge's
    /// backward splits into, or what the layer above writes itself when it reads the halves.
    func directionOutputGradients(of step: LayerStep) -> RecurrentSequence.Bindings.SequenceHalves {
        .init(arena["\(step.name).forward.outgrad"], arena["\(step.name).backward.outgrad"])
    }

    func emit(_ step: LayerStep, input: LayerOutput?, nextStream: () -> UInt32) throws -> (Plan, LayerOutput?, BackwardEmitter) {
        switch step.layer.config {
        case .bidirectional(let bi): return try emitBidirectional(bi, step: step, input: input, nextStream: nextStream)
        case .recurrent(let r): return try emitRecurrent(r, step: step, input: input, nextStream: nextStream)
        default: break
        }
        if case .halves? = input {
            preconditionFailure("only a recurrent layer reads a Bidirectional layer's output in halves (LayerStep.handsOnHalves)")
        }
        let (ops, output, backward) = try emitOps(step, input: input?.tensor, nextStream: nextStream)
        return (try Plan(ops), output.map { .tensor($0) }, { try Plan(backward($0)) })
    }

    /// A layer whose ops all run in order on one lane; its output (nil: an embedding whose lookup
    /// the layer above projects itself).
    func emitOps(_ step: LayerStep, input: FloatRef?, nextStream: () -> UInt32) throws -> ([Op], FloatRef?, (FloatRef?) throws -> [Op]) {
        let (b, t) = (options.batch, options.time)
        let outRows = step.rows(options, sequence: step.outputIsSequence)
        let outgrad = outputGradient(of: step)
        switch step.layer.config {
        case .embedding(let e):
            // The layer above projects the vocabulary and writes this table's gradient itself.
            if step.feedsTokenProjection { return ([], nil, { _ in [] }) }
            let table = try weight(step.layer.parameters[0].path)
            let out = arena["\(step.name).out"]
            let ops: [Op] = [.embeddingGather(EmbeddingGather(batch: b, time: t, vocabulary: e.inputDim, width: e.outputDim,
                                                              tokenIDs: tokenIDs, table: table, output: out))]
            let path = step.layer.parameters[0].path
            return (ops, out, { [self] _ in
                guard let grad = gradientIfTrained(path), let index = embeddingIndex, let outgrad else { return [] }
                return [.fill(Fill(grad, value: 0)),
                        .embeddingGradient(EmbeddingGradient(occurrences: b * t, vocabulary: e.inputDim, width: e.outputDim,
                                                             outputGradient: outgrad, index: index, tableGradient: grad))]
            })

        case .dropout(let d):
            // Between an embedding and the layer projecting its lookup: nothing to pass on.
            if step.feedsTokenProjection { return ([], nil, { _ in [] }) }
            guard let input else { throw ExecutionError.unsupported(layer: step.name, reason: "no input") }
            // Inactive (inference, or rate 0): the layer is the identity and passes its input on, no copy.
            guard options.dropout && d.rate > 0 else { return ([], input, { g in g.map { [.copy2D(Copy2D(outgrad!, to: $0))] } ?? [] }) }
            let out = arena["\(step.name).out"]
            let mask = arena["\(step.name).mask"]
            let ops: [Op] = [.dropoutMask(DropoutMask(mask: mask, rate: Float(d.rate), seed: options.seed, stepTensor: stepWords, stream: nextStream())),
                             .multiply(Multiply(input, mask, output: out))]
            return (ops, out, { g in g.map { [.multiply(Multiply(outgrad!, mask, output: $0))] } ?? [] })

        case .spatialDropout1D(let d):
            guard options.dropout && d.rate > 0 else {
                if step.feedsTokenProjection { return ([], nil, { _ in [] }) }
                guard let input else { throw ExecutionError.unsupported(layer: step.name, reason: "no input") }
                return ([], input, { g in g.map { [.copy2D(Copy2D(outgrad!, to: $0))] } ?? [] })
            }
            // One mask per (sequence, channel), held across time: whole channels drop.
            let mask = arena["\(step.name).mask"]
            let maskOp = Op.dropoutMask(DropoutMask(mask: mask, rate: Float(d.rate), seed: options.seed, stepTensor: stepWords, stream: nextStream()))
            // The layer above projects (sequence, token) pairs and masks their rows itself.
            if step.feedsTokenProjection { return ([maskOp], nil, { _ in [] }) }
            guard let input else { throw ExecutionError.unsupported(layer: step.name, reason: "no input") }
            let out = arena["\(step.name).out"]
            let ops: [Op] = [maskOp, .multiplyBroadcast(MultiplyBroadcast(repeats: t, input: input, factor: mask, output: out))]
            return (ops, out, { g in g.map { [.multiplyBroadcast(MultiplyBroadcast(repeats: t, input: outgrad!, factor: mask, output: $0))] } ?? [] })

        case .dense(let dense):
            guard let input else { throw ExecutionError.unsupported(layer: step.name, reason: "no input") }
            let isLast = step.index == steps.count - 1
            let activation: Activation
            if isLast && head.finalActivation != nil { activation = .linear }
            else if let elementwise = dense.activation.elementwise { activation = elementwise }
            else { throw ExecutionError.unsupported(layer: step.name, reason: "softmax is supported as the last layer feeding a categorical loss") }
            let projection = DenseProjection(rows: outRows, inputWidth: step.inputWidth, units: dense.units, activation: activation)
            let kernelPath = step.layer.parameters[0].path
            let biasPath = dense.useBias ? step.layer.parameters[1].path : nil
            let kernel = try weight(kernelPath), bias = try biasPath.map { try weight($0) }
            let out = arena["\(step.name).out"]
            return (projection.forward(input: input, kernel: kernel, bias: bias, output: out), out, { [self] inputGradient in
                guard let outgrad else { return [] }
                return projection.backward(input: input, kernel: kernel, output: out, outputGradient: outgrad,
                                           kernelGradient: gradientIfTrained(kernelPath), biasGradient: biasPath.flatMap { gradientIfTrained($0) },
                                           inputGradient: inputGradient)
            })

        case .recurrent, .bidirectional:
            throw ExecutionError.unsupported(layer: step.name, reason: "a recurrent layer is emitted as a plan")
        }
    }

    /// What a recurrent or Bidirectional layer reads: its embedding's lookup projected
    /// (``TokenProjection``), or the layer below's output, and then where its input gradient goes
    /// (nil when nothing below trains, or when the projection forms the table's gradient itself).
    func recurrentInput(of step: LayerStep, input: LayerOutput?) throws
        -> (source: RecurrentSequence.Bindings.Input, tokens: TokenProjection?, inputGradientTarget: FloatRef?) {
        if let tokens = try tokenProjection(for: step) { return (.tokens(tokens), tokens, nil) }
        switch input {
        case .tensor(let input)?:
            return (.sequence(input), nil, inputGradientTarget(of: step))
        case .halves(let halves)?:
            // The gradient goes into the directions' own output gradients, in the product.
            let gradient = options.training && step.trainedBelow ? directionOutputGradients(of: steps[step.index - 1]) : nil
            return (.halves(halves, gradient: gradient), nil, nil)
        case nil:
            throw ExecutionError.unsupported(layer: step.name, reason: "no input")
        }
    }

    /// A recurrent layer: its one direction, reading the layer below's output or projecting its
    /// embedding's lookup.
    func emitRecurrent(_ r: RecurrentConfig, step: LayerStep, input: LayerOutput?, nextStream: () -> UInt32) throws -> (Plan, LayerOutput?, BackwardEmitter) {
        let (source, tokens, target) = try recurrentInput(of: step, input: input)
        let direction = try direction(r, prefix: step.name, parameters: step.layer.parameters, step: step, input: source,
                                      inputGradientTarget: target, nextStream: nextStream)
        var plan = Plan()
        for gather in tokens?.gatherRows ?? [] { try plan.append(gather) }
        plan.append(direction.forward)
        let output = LayerOutput.tensor(step.outputIsSequence ? direction.sequence.sequenceOutput : direction.sequence.finalState)
        let outgrad = outputGradient(of: step)
        return (plan, output, { _ in
            guard let outgrad else { return Plan() }
            var plan = try direction.backward(outgrad)
            if let tokens { plan.append(try tokens.tableGradientPlan([direction.sequence])) }
            return plan
        })
    }

    /// The projection of its embedding's lookup a layer reads (``TokenProjection``): the batch's
    /// distinct tokens, or at inference the whole vocabulary; nil when it reads the layer below's
    /// output.
    func tokenProjection(for step: LayerStep) throws -> TokenProjection? {
        guard let projection = step.projection else { return nil }
        let embedding = steps[projection.embedding]
        guard case .embedding(let e) = embedding.layer.config else { preconditionFailure("a layer projecting tokens reads an embedding") }
        let tablePath = embedding.layer.parameters[0].path
        if projection.wholeVocabulary {
            return TokenProjection(table: try weight(tablePath), vocabulary: e.inputDim, width: e.outputDim, rows: .vocabulary, tokenSlots: tokenIDs)
        }
        guard let index = embeddingIndex, let tokenSlots else {
            preconditionFailure("the executor uploads the slots of the distinct tokens a layer projects")
        }
        let occurrences = options.training ? segmentSlots.map {
            TokenProjection.Occurrences(sortedRows: index.sortedRows, segmentStarts: index.segmentStarts, segmentSlots: $0)
        } : nil
        let names = arena.layout.names
        let capacity = projection.rows
        let tableGradient = gradientIfTrained(tablePath).map { table in
            // Pairs reach the table grouped by token; distinct tokens one row each.
            let byToken = projection.pairs
                ? pairTokenIndex!
                : (arena.ints(names["input.identityRows"]!), arena.ints(names["input.identityStarts"]!), index.segmentTokens.slice(0, capacity))
            return TokenProjection.TableGradient(table: table, rows: arena["\(step.name).distinctRowsGradient"], index: byToken,
                                                 scratch: names["\(step.name).distinctRowsGradientScratch"].map { arena[$0] })
        }
        let rows: TokenProjection.Rows
        if projection.pairs {
            guard let pairs = distinctPairs else { preconditionFailure("the executor uploads the distinct (sequence, token) pairs") }
            let spatial = projection.spatialDropout.map { (arena["\(steps[$0].name).mask"], arena["\(step.name).distinctMaskRows"]) }
            rows = .distinct(capacity: capacity, tokens: pairs.tokens, gathered: arena["\(step.name).distinctRows"],
                             pairs: TokenProjection.SequencePairs(sequences: pairs.sequences, spatialMask: spatial))
        } else {
            rows = .distinct(capacity: capacity, tokens: index.segmentTokens.slice(0, capacity), gathered: arena["\(step.name).distinctRows"])
        }
        return TokenProjection(table: try weight(tablePath), vocabulary: e.inputDim, width: e.outputDim, rows: rows,
                               tokenSlots: tokenSlots, occurrences: occurrences, tableGradient: tableGradient)
    }

    /// A Bidirectional layer: its two directions side by side on two lanes (or in turn on one),
    /// then the merge.
    func emitBidirectional(_ bi: BidirectionalConfig, step: LayerStep, input: LayerOutput?, nextStream: () -> UInt32) throws -> (Plan, LayerOutput, BackwardEmitter) {
        let outRows = step.rows(options, sequence: step.outputIsSequence)
        // Handing on halves, the layer above writes the directions' output gradients itself.
        let outgrad = options.training && !step.handsOnHalves ? arena["\(step.name).outgrad"] : nil
        let concurrent = options.concurrentDirections
        func both(_ plan: inout Plan, _ first: Plan, _ second: Plan) {
            if concurrent { plan.appendConcurrently(first, second) } else { plan.append(first); plan.append(second) }
        }
        let count = step.layer.parameters.count / 2
        let (source, tokens, target) = try recurrentInput(of: step, input: input)
        // Without input masks both directions' projections, and their input gradients, are one
        // product each; with them each direction has its own, the second's added after both ran.
        let sharesInput = LayerStep.directionsShareInput(bi, options: options)
        let scratch = target == nil || sharesInput ? nil : arena["\(step.name).backwardInputGradient"]
        let forwardDirection = try direction(bi.forwardLayer, prefix: "\(step.name).forward", parameters: Array(step.layer.parameters[..<count]),
                                             step: step, input: source, inputGradientTarget: target,
                                             sharesInputWithOtherDirection: sharesInput, nextStream: nextStream)
        let backwardDirection = try direction(bi.backwardLayer, prefix: "\(step.name).backward", parameters: Array(step.layer.parameters[count...]),
                                              step: step, input: source, inputGradientTarget: scratch ?? target,
                                              sharesInputWithOtherDirection: sharesInput, nextStream: nextStream)
        let (forwardSequence, backwardSequence) = (forwardDirection.sequence, backwardDirection.sequence)
        let pick: (RecurrentSequence) -> FloatRef = { step.outputIsSequence ? $0.sequenceOutput : $0.finalState }
        let merge = BidirectionalMerge(bi.mergeMode, rows: outRows, width: bi.layer.units)
        var plan = Plan()
        // The distinct tokens' table rows are gathered once, for both directions.
        for gather in tokens?.gatherRows ?? [] { try plan.append(gather) }
        // Both directions' input projections (none for projected tokens: each loop reads its table).
        if sharesInput {
            for product in forwardSequence.inputProjection(with: backwardSequence).map({ [$0] })
                ?? [forwardSequence.inputProjection(), backwardSequence.inputProjection()].compactMap({ $0 }) {
                try plan.append(product)
            }
        }
        both(&plan, forwardDirection.forward, backwardDirection.forward)
        let output: LayerOutput
        if step.handsOnHalves {
            output = .halves(.init(pick(forwardSequence), pick(backwardSequence),
                                   firstSharedByLoop: forwardSequence.paddedPrefixLoop))
        } else {
            let out = arena["\(step.name).out"]
            try plan.append(contentsOf: merge.forward(forward: pick(forwardSequence), backward: pick(backwardSequence), output: out))
            output = .tensor(out)
        }
        return (plan, output, { [self] _ in
            guard options.training else { return Plan() }
            let gradients = directionOutputGradients(of: step)
            let (fg, bg) = (gradients.first, gradients.second)
            var plan = Plan()
            let (forwardGradient, backwardGradient): (FloatRef, FloatRef)
            if let outgrad {
                try plan.append(contentsOf: merge.backward(outputGradient: outgrad, forward: pick(forwardSequence),
                                                           backward: pick(backwardSequence), forwardGradient: fg, backwardGradient: bg))
                switch bi.mergeMode {
                case .sum: (forwardGradient, backwardGradient) = (outgrad, outgrad)
                case .ave: (forwardGradient, backwardGradient) = (fg, fg)
                default: (forwardGradient, backwardGradient) = (fg, bg)
                }
            } else {
                (forwardGradient, backwardGradient) = (fg, bg)
            }
            both(&plan, try forwardDirection.backward(forwardGradient), try backwardDirection.backward(backwardGradient))
            if sharesInput {
                let products = forwardSequence.inputGradientProduct(with: backwardSequence).map { [$0] }
                    ?? [forwardSequence.inputGradientProduct(accumulating: false), backwardSequence.inputGradientProduct(accumulating: true)]
                        .compactMap { $0 }
                for product in products { try plan.append(product) }
            } else if let target, let scratch {
                try plan.append(.axpby(Axpby(alpha: 1, x: scratch, beta: 1, y: target)))
            }
            if let tokens { plan.append(try tokens.tableGradientPlan([forwardSequence, backwardSequence])) }
            return plan
        })
    }

}

extension ModelExecutor {
    /// One recurrent direction: its input and recurrent dropout, the projection of its tokens
    /// (unless it is the executor's ``ModelExecutor/plannedVocabularyProjection``), the sequence
    /// op, and a backward that leaves the input gradient in `inputGradientTarget` (through the
    /// input mask), or the kernel's gradient over the distinct tokens.
    /// `sharesInputWithOtherDirection` (only without an input mask) leaves out the input
    /// sequence's projection and the input gradient's product, which the caller runs for both
    /// directions at once (``RecurrentSequence/inputProjection(with:)``,
    /// ``RecurrentSequence/inputGradientProduct(with:)``).
    struct DirectionOps {
        let sequence: RecurrentSequence
        let forward: Plan
        let backward: (_ outputGradient: FloatRef) throws -> Plan
    }

    func direction(_ r: RecurrentConfig, prefix: String, parameters: [ParameterSpec], step: LayerStep, input: RecurrentSequence.Bindings.Input,
                   inputGradientTarget: FloatRef?, sharesInputWithOtherDirection: Bool = false,
                   nextStream: () -> UInt32) throws -> DirectionOps {
        let shape = step.sequenceShape(r, options: options)
        let t = options.time
        let kernelPath = parameters[0].path, recurrentPath = parameters[1].path
        let biasPath = r.useBias ? parameters[2].path : nil
        var forward = Plan()
        var sequenceInput = input
        var inputMask: FloatRef?
        if options.dropout && r.dropout > 0 {
            let mask = arena["\(prefix).inputMask"]
            try forward.append(.dropoutMask(DropoutMask(mask: mask, rate: Float(r.dropout), seed: options.seed, stepTensor: stepWords, stream: nextStream())))
            switch input {
            case .sequence(let input):
                let dropped = arena["\(prefix).droppedInput"]
                try forward.append(.multiplyBroadcast(MultiplyBroadcast(repeats: t, input: input, factor: mask, output: dropped)))
                sequenceInput = .sequence(dropped)
                inputMask = mask
            case .tokens(let tokens):
                // Projecting (sequence, token) pairs: this direction's rows, times its mask.
                let (masked, ops) = tokens.masked(byInputDropout: mask, maskRows: arena["\(prefix).distinctInputMaskRows"],
                                                  into: arena["\(prefix).maskedDistinctRows"])
                for op in ops { try forward.append(op) }
                sequenceInput = .tokens(masked)
            case .halves:
                preconditionFailure("a layer whose input dropout is active reads the merged sequence (LayerStep.handsOnHalves)")
            }
        }
        var recurrentMask: FloatRef?
        if options.dropout && r.recurrentDropout > 0 {
            let mask = arena["\(prefix).recurrentMask"]
            try forward.append(.dropoutMask(DropoutMask(mask: mask, rate: Float(r.recurrentDropout), seed: options.seed, stepTensor: stepWords,
                                                        stream: nextStream())))
            recurrentMask = mask
        }
        // With input dropout the op's input gradient is for the dropped input; the mask maps it back.
        precondition(!sharesInputWithOtherDirection || inputMask == nil, "an input mask lies between the shared products and this direction")
        let sequenceInputGradient = inputGradientTarget.map { inputMask == nil ? $0 : arena["\(prefix).ingrad"] }
        let bindings = RecurrentSequence.Bindings(
            input: sequenceInput, kernel: try weight(kernelPath), recurrentKernel: try weight(recurrentPath),
            bias: try biasPath.map { try weight($0) } ?? arena["\(prefix).zeroBias"],
            kernelGradient: gradientIfTrained(kernelPath) ?? arena["\(prefix).kernelGradient"],
            recurrentKernelGradient: gradientIfTrained(recurrentPath) ?? arena["\(prefix).recurrentKernelGradient"],
            biasGradient: biasPath.flatMap { gradientIfTrained($0) } ?? arena["\(prefix).biasGradient"],
            inputGradient: sequenceInputGradient, mask: step.masks ? timestepMask : nil, recurrentDropoutMask: recurrentMask)
        let sequence = RecurrentSequence(shape, prefix: prefix, arena: arena, bindings: bindings)
        recurrentSequences.append(sequence)
        if case .tokens(let tokens) = sequenceInput, case .vocabulary = tokens.rows {
            plannedVocabularyProjection.append(try sequence.tokenProjectionForward())
        } else {
            forward.append(try sequence.tokenProjectionForward())
        }
        try forward.append(contentsOf: sequence.forward(projectingInput: !sharesInputWithOtherDirection))
        let returnsSequences = step.outputIsSequence
        return DirectionOps(sequence: sequence, forward: forward) { outputGradient in
            var plan = try Plan(sequence.backward(outputGradient: returnsSequences ? outputGradient : nil,
                                                  finalStateGradient: returnsSequences ? nil : outputGradient,
                                                  includingInputGradient: !sharesInputWithOtherDirection))
            if let inputMask, let target = inputGradientTarget, let dropped = sequenceInputGradient {
                try plan.append(.multiplyBroadcast(MultiplyBroadcast(repeats: t, input: dropped, factor: inputMask, output: target)))
            }
            if let kernelGradient = sequence.tokenProjectionBackward { try plan.append(kernelGradient) }
            return plan
        }
    }
}
