"""TensorFlow types through real pipeline runs on a fresh default stack (in this process)."""

from __future__ import annotations

from typing import Annotated, Any

import numpy as np
import pytest


def test_tensors_variables_and_datasets_flow_between_steps_and_into_the_run_history(zen, tf) -> None:
    @zen.step
    def make() -> tuple[
        Annotated[tf.Tensor, "words"], Annotated[tf.Variable, "counts"], Annotated[tf.data.Dataset, "numbers"]
    ]:
        counts = tf.Variable([3, 4], dtype=tf.int64, name="counts", trainable=False)
        return tf.constant([b"zen", b"ml"]), counts, tf.data.Dataset.range(5).batch(2)

    @zen.step
    def total(words: tf.Tensor, counts: tf.Variable, numbers: tf.data.Dataset) -> int:
        assert words.dtype == tf.string
        return int(tf.reduce_sum(counts)) + int(tf.size(words)) + sum(int(tf.reduce_sum(b)) for b in numbers)

    @zen.pipeline
    def tensors() -> None:
        words, counts, numbers = make()
        total(words, counts, numbers)

    run = tensors()

    assert run.steps["total"].outputs["output"][0].load() == 3 + 4 + 2 + 10
    outputs = zen.Client().get_run(run.name).steps["make"].outputs
    counts = outputs["counts"][0].load()
    assert isinstance(counts, tf.Variable)
    assert (counts.name, counts.trainable, counts.dtype) == ("counts:0", False, tf.int64)
    np.testing.assert_array_equal(counts.numpy(), [3, 4])
    assert [batch.numpy().tolist() for batch in outputs["numbers"][0].load()] == [[0, 1], [2, 3], [4]]


def test_unserialisable_keras_model_fails_the_step_with_a_message_that_says_what_to_do(zen, keras) -> None:
    class Doubler(keras.layers.Layer):
        def call(self, inputs: Any) -> Any:
            return inputs * 2

    @zen.step
    def trainer() -> Annotated[keras.Model, "model"]:
        return keras.Sequential([keras.Input((2,)), Doubler()])

    @zen.pipeline
    def unserialisable() -> None:
        trainer()

    from zenml.steps.errors import StepFailedError

    with pytest.raises(StepFailedError, match=r"step 'trainer'") as caught:
        unserialisable()

    message = str(caught.value)
    assert "output 'model'" in message
    assert "Doubler is not registered for Keras serialization" in message
    assert "@keras.saving.register_keras_serializable()" in message
    assert "get_config()" in message
