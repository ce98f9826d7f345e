import CVectorMath

extension CellMath.ForwardPointers where T == Float {
    /// Asks for the cache lines of the projected-table rows a forward step over `rows` reads
    /// (``tokenRows``), so that they arrive while the step's recurrent product runs.
    ///
    /// Those rows sit at random places in a table of megabytes (the vocabulary's projection at
    /// inference, 10 MB per direction on bilstm; the distinct tokens' in training), so without
    /// this the cell's first load of each row waited on memory: in a single-threaded inference
    /// loop of bilstm the sigmoid pass took 31% of the samples, most on that load, against 34%
    /// for the product. Interleaved runs of the loops alone: bilstm's 3.5–4.7 → 3.3–3.6 ms,
    /// stacked-bilstm's first layer's 9.2–10.0 → 8.3–9.0 ms (means of 8 runs each, 2 threads).
    func prefetchTokenRows(_ rows: Range<Int>, gateWidth: Int) {
        guard tokenRows != nil else { return }
        for b in rows {
            let x = projectedInput(row: b, width: gateWidth)
            for j in stride(from: 0, to: gateWidth, by: 16) { recur_prefetch(x + j) }
        }
    }
}
