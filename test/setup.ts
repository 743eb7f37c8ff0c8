// Terraform and cdktf never phone home from tests.
process.env.CHECKPOINT_DISABLE = '1';
