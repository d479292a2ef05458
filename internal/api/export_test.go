package api

// SetMaxBatchResponse lowers the batch response limit for a test and returns the function that
// restores it.
func SetMaxBatchResponse(n int) (restore func()) {
	old := maxBatchResponse
	maxBatchResponse = n
	return func() { maxBatchResponse = old }
}
