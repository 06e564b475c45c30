resource "aws_s3_bucket" "assets" {
  bucket = "acme-assets"
}

resource "aws_iam_role" "deployer" {
  name               = "deployer"
  assume_role_policy = file("${path.module}/trust.json")
}

resource "aws_security_group" "web" {
  name = "web"
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
