"""The status model: vocabulary (buckets, statuses), pure rules, and the moves that apply them."""
