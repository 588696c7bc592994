"""kube-apiserver stand-in: storage, defaulting, validation, allocation."""
